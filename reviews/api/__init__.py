"""The read API for the publishing system (django-ninja), with its OpenAPI schema."""
