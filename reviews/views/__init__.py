"""Pages and htmx fragments, one module per part of the product."""
