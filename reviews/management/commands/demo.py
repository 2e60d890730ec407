"""Demo users, glossary terms and two documents, for `make run` and for trying the desk by hand:
the demo article, in review, and an earlier story on the same beach, approved, so the
translation memory has something to suggest and the article's terms are marked. Idempotent."""

from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from reviews import editing, glossary, workflow
from reviews.comments import add_comment
from reviews.formats import read_upload
from reviews.importing import create_document
from reviews.models import Document, GlossaryTerm, Role

DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"
DEMO_PASSWORD = "workbench-demo"  # noqa: S105 - demo accounts on a development database
DEMO_TITLE = "Villagers on the east coast step in to save their vanishing beach"
EARLIER_TITLE = "Gangneung villagers turn to bamboo fences to keep their beach"
# Terms of the demo article (korean, english, forbidden variants, note).
TERMS = [
    ("강릉시", "Gangneung", ["Kangnung"], "The city's own romanization."),
    (
        "해양수산부",
        "Ministry of Oceans and Fisheries",
        ["Maritime Ministry"],
        "The ministry's own English name; later references: the ministry.",
    ),
    ("방파제", "breakwater", ["seawall"], "A seawall (호안) runs along the shore; this juts out."),
    ("모래언덕", "dune", ["sand hill"], ""),
]
PEOPLE = [
    # username, first name, last name, group
    ("translator", "Mina", "Seo", Role.TRANSLATOR),
    ("editor", "Daniel", "Park", Role.EDITOR),
    ("manager", "Jiwon", "Han", Role.MANAGER),
    ("outsider", "Tae", "Oh", Role.TRANSLATOR),
]


class Command(BaseCommand):
    help = "Create demo users (translator, editor, manager, outsider) and a demo document."

    @transaction.atomic
    def handle(self, *args, **options):
        users = {}
        for username, first, last, role in PEOPLE:
            group, _ = Group.objects.get_or_create(name=role)
            user, created = get_user_model().objects.get_or_create(
                username=username, defaults={"first_name": first, "last_name": last}
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            user.groups.add(group)
            users[username] = user
        for role in Role:
            Group.objects.get_or_create(name=role)

        self.add_terms(users["editor"])
        if not Document.objects.filter(title=EARLIER_TITLE).exists():
            earlier = create_document(
                title=EARLIER_TITLE,
                source_paragraphs=self.read("earlier-ko.txt"),
                target_paragraphs=self.read("earlier-en.txt"),
                created_by=users["translator"],
                translator=users["translator"],
                editor=users["editor"],
                source_filename="earlier-ko.txt",
                target_filename="earlier-en.txt",
            )
            self.approve(earlier, users)
            self.stdout.write(f"Created the approved earlier story #{earlier.pk}.")
        if not Document.objects.filter(title=DEMO_TITLE).exists():
            document = create_document(
                title=DEMO_TITLE,
                source_paragraphs=self.read("ko.txt"),
                target_paragraphs=self.read("en.txt"),
                created_by=users["translator"],
                translator=users["translator"],
                editor=users["editor"],
                source_filename="ko.txt",
                target_filename="en.txt",
            )
            self.start_review(document, users)
            self.stdout.write(f"Created the demo document #{document.pk}.")

        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, first, last, role in PEOPLE:
            note = " (sees no documents)" if username == "outsider" else ""
            self.stdout.write(f"  {username:<11} {first} {last}, {role.label.lower()}{note}")

    def read(self, name):
        data = (DEMO_DIR / name).read_bytes()
        return read_upload(data, name, max_bytes=settings.WORKBENCH_MAX_UPLOAD_BYTES)

    def add_terms(self, editor):
        for korean, english, forbidden, note in TERMS:
            if not GlossaryTerm.objects.filter(korean=korean).exists():
                glossary.add_term(
                    editor, korean=korean, english=english, forbidden=forbidden, note=note
                )

    def approve(self, document, users):
        """Through review to approval, row by row, as the desk does it."""
        workflow.take_transition(users["translator"], "confirm_pairing", document)
        document = workflow.take_transition(users["translator"], "submit_for_review", document)
        for row in document.paragraphs.all():
            editing.approve_paragraph(users["editor"], row.pk)
        workflow.take_transition(users["editor"], "approve", document)

    def start_review(self, document, users):
        """Take the demo a few steps in, so a newcomer sees proposals and comments at once."""
        workflow.take_transition(users["translator"], "confirm_pairing", document)
        document = workflow.take_transition(users["translator"], "submit_for_review", document)
        rows = {row.text[:40]: row for row in document.paragraphs.all()}
        sand = next(row for key, row in rows.items() if "The beach in front" in key)
        editing.save_edit(
            users["editor"], sand.pk, sand.text.replace("23,000", "32,000"), sand.version
        )
        budget = next(row for key, row in rows.items() if "The city has set aside" in key)
        add_comment(
            users["editor"],
            document,
            "15억 원 is 1.5 billion won, not 150 million. Please check the other figures too.",
            paragraph=budget,
            quote="150 million won",
            quote_side="target",
            category="mistranslation",
            severity="major",
        )
