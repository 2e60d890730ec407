"""The learned lexicon: word associations learned from approved 1-1 rows
(reviews/alignment/learning.py), stored by `manage.py learn_lexicon` (reviews/
learned_lexicon.py) and used by the aligner as shared-word evidence. The texts are written
for these tests."""

import itertools
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from reviews.alignment import lexicon
from reviews.alignment.costs import LEXICON_MATCH, make_link_cost
from reviews.alignment.learning import english_words, korean_words, learn, log_likelihood
from reviews.alignment.lengths import document_ratio
from reviews.alignment.paragraphs import english_paragraph, korean_paragraph
from reviews.alignment.sentences import sentence_units
from reviews.learned_lexicon import refresh
from reviews.models import LearnedTerm, Paragraph
from tests.conftest import new_document

# Six words and their translations, combined two or three at a time into sentences that
# all share the same filler on each side ("오늘", "the", "said"): only the true pairs
# co-occur more than chance would have them.
WORDS = [
    ("대통령", "president"),
    ("선거", "election"),
    ("병원", "hospital"),
    ("학교", "school"),
    ("날씨", "weather"),
    ("항구", "harbour"),
]
PARTICLES = ["은", "이", "을", "의", "에서", "과"]


def synthetic_pairs():
    pairs = []
    for size in (2, 3):
        for number, chosen in enumerate(itertools.combinations(WORDS, size)):
            korean = " ".join(
                word + PARTICLES[(number + k) % len(PARTICLES)]
                for k, (word, _) in enumerate(chosen)
            )
            english = " and ".join(f"the {english}s" for _, english in chosen)
            pairs.append((f"오늘 {korean} 말했다.", f"The paper said {english} today."))
    return pairs


@pytest.fixture
def no_learned_lexicon():
    lexicon.use_learned({})
    yield
    lexicon.use_learned({})


def test_particles_come_off_the_korean_and_plurals_off_the_english():
    assert korean_words("대통령은 선거에서 이겼다") >= {"대통령", "선거"}
    assert english_words("The elections of presidents") == {"the", "election", "president"}


def test_log_likelihood_is_zero_at_chance_and_grows_with_association():
    assert log_likelihood(25, 50, 50, 100) == pytest.approx(0, abs=1e-9)
    assert log_likelihood(10, 10, 10, 100) > log_likelihood(5, 10, 10, 100) > 10.83


def test_the_true_pairs_win_over_filler_and_neighbours():
    learned = learn(synthetic_pairs())
    for korean, english in WORDS:
        best = max(learned[korean], key=learned[korean].get)
        assert best == english, (korean, learned[korean])
    # The filler co-occurs with everything, so with nothing more than chance says.
    assert "오늘" not in learned
    assert not any({"the", "said", "paper", "today"} & set(words) for words in learned.values())


def test_a_pair_seen_once_is_not_learned():
    pairs = synthetic_pairs() + [("오늘 고양이가 말했다.", "The paper said the cat today.")]
    learned = learn(pairs)
    assert "고양이" not in learned


def test_learned_words_are_shared_evidence_for_a_link(no_learned_lexicon):
    korean_texts = ["등대에서 불빛이 보였다.", "학교가 문을 닫았다."]
    english_texts = ["A light shone from the lighthouse.", "Classes ended."]

    def cost():
        korean = [korean_paragraph(text) for text in korean_texts]
        english = [english_paragraph(text) for text in english_texts]
        ratio = document_ratio([p.length for p in korean], [p.length for p in english])
        return make_link_cost(korean, english, ratio)(0, 1, 0, 1), korean, english

    before, korean, english = cost()
    assert "등대" not in korean[0].concepts
    lexicon.use_learned({"등대": ["lighthouse"]}, version=1)
    after, korean, english = cost()
    assert "등대" in korean[0].concepts and "등대" in english[0].concepts
    assert after == pytest.approx(before - LEXICON_MATCH)


def test_sentence_features_ignore_the_learned_lexicon(no_learned_lexicon):
    """A row's sentence marks must not depend on which process computed them."""
    lexicon.use_learned({"등대": ["lighthouse"]}, version=1)
    assert "등대" in korean_paragraph("등대에서 불빛이 보였다.").concepts
    assert "등대" not in sentence_units("등대에서 불빛이 보였다.", "ko")[0].concepts
    assert "등대" not in sentence_units("It shone from the lighthouse.", "en")[0].concepts


def approve_all(document):
    document.paragraphs.update(status=Paragraph.Status.APPROVED)


@pytest.mark.django_db
def test_learn_lexicon_learns_from_approved_one_to_one_rows_only(people, no_learned_lexicon):
    pairs = synthetic_pairs()
    approved = new_document(people, source=[k for k, _ in pairs], target=[e for _, e in pairs])
    approve_all(approved)
    # The same words paired wrongly, but not approved: they must not be learned.
    shifted = [e.replace("weather", "cat") for _, e in pairs]
    new_document(people, source=[k for k, _ in pairs], target=shifted)
    call_command("learn_lexicon", stdout=StringIO())
    terms = {(t.korean, t.english) for t in LearnedTerm.objects.all()}
    assert {("대통령", "president"), ("날씨", "weather"), ("항구", "harbour")} <= terms
    assert not any(english == "cat" for _, english in terms)
    assert set(LearnedTerm.objects.values_list("build", flat=True)) == {1}


@pytest.mark.django_db
def test_rows_with_two_paragraphs_on_a_side_are_left_out(people, no_learned_lexicon):
    pairs = synthetic_pairs()
    document = new_document(people, source=[k for k, _ in pairs], target=[e for _, e in pairs])
    document.paragraphs.update(
        status=Paragraph.Status.APPROVED, text="The paper said the weather.\n\nAnd the cat."
    )
    call_command("learn_lexicon", stdout=StringIO())
    assert not LearnedTerm.objects.exists()


@pytest.mark.django_db
def test_a_rebuild_replaces_the_old_build_and_processes_reload_it(
    people, no_learned_lexicon, django_assert_num_queries
):
    pairs = synthetic_pairs()
    approve_all(new_document(people, source=[k for k, _ in pairs], target=[e for _, e in pairs]))
    call_command("learn_lexicon", stdout=StringIO())
    refresh()
    assert lexicon.learned_version == 1
    assert "president" in lexicon.LEARNED_KOREAN["대통령"]
    # Loaded once: while the build stands, a refresh is one query.
    with django_assert_num_queries(1):
        refresh()
    call_command("learn_lexicon", stdout=StringIO())
    assert set(LearnedTerm.objects.values_list("build", flat=True)) == {2}
    refresh()
    assert lexicon.learned_version == 2
    LearnedTerm.objects.all().delete()
    refresh()
    assert lexicon.learned_version is None and not lexicon.LEARNED_KOREAN


def test_align_eval_learns_from_another_file_only(tmp_path, no_learned_lexicon):
    pairs = synthetic_pairs()
    article = {
        "id": "synthetic",
        "ko_paragraphs": [k for k, _ in pairs[:5]],
        "en_paragraphs": [e for _, e in pairs[:5]],
        "gold": [[[i], [i]] for i in range(5)],
    }
    scored = tmp_path / "scored.jsonl"
    scored.write_text(json.dumps(article, ensure_ascii=False) + "\n", encoding="utf-8")
    other = tmp_path / "other.jsonl"
    article["ko_paragraphs"] = [k for k, _ in pairs]
    article["en_paragraphs"] = [e for _, e in pairs]
    article["gold"] = [[[i], [i]] for i in range(len(pairs))]
    other.write_text(json.dumps(article, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(CommandError, match="another file"):
        call_command("align_eval", str(scored), "--learn-from", str(scored))
    output = tmp_path / "output.txt"
    with output.open("w") as out:
        call_command("align_eval", str(scored), "--learn-from", str(other), stdout=out)
    lines = output.read_text().splitlines()
    assert lines[0].startswith("learned ") and "associations of 6 Korean words" in lines[0]
    assert lines[-1] == "F1 1.000 articles 1/1"
    # The learned lexicon lasts for the one evaluation only.
    assert not lexicon.LEARNED_KOREAN and lexicon.learned_version is None


@pytest.mark.slow
def test_a_lexicon_learned_from_the_other_dev_set_keeps_f1(no_learned_lexicon):
    """Learned from ntrex-dev's gold 1-1 links (another domain; never from itself),
    newsv1-noisy stays at the issue's target and within one article's links of the hand
    lexicon alone: 0.972 -> 0.973 when first measured; since the second pass's paragraph-break
    cost, 0.978 -> 0.976 (article 0811, two stories in one paragraph, flips back). Since
    unrendered words count only where confined to one paragraph, 0.984 -> 0.980, within two
    articles' links: 0811, and 0412-0441, whose added English paragraph shares a learned
    common word (많은, "many") with its Korean neighbour."""
    from reviews.management.commands.align_eval import gold_pairs, read_articles, score
    from tests.conftest import shared_file

    scored = read_articles(shared_file("data", "alignment", "newsv1-noisy.jsonl"))
    other = read_articles(shared_file("data", "alignment", "ntrex-dev.jsonl"))
    plain = score(scored)["f1"]
    lexicon.use_learned(learn(gold_pairs(other)), version="test")
    learned = score(scored)["f1"]
    assert learned >= 0.975 and learned >= plain - 0.005, (learned, plain)


@pytest.mark.django_db
def test_an_archive_restore_learns_the_lexicon_again(people, no_learned_lexicon, tmp_path):
    """The archive leaves the lexicon out (it is derived): the restore learns it again from
    the approved rows it carries, as `learn_lexicon` would."""
    from tests.test_archive import empty_database, export

    pairs = synthetic_pairs()
    approve_all(new_document(people, source=[k for k, _ in pairs], target=[e for _, e in pairs]))
    call_command("learn_lexicon", stdout=StringIO())
    learned = set(LearnedTerm.objects.values_list("korean", "english"))
    assert ("대통령", "president") in learned
    path = export(tmp_path, "desk.json")
    empty_database()
    assert not LearnedTerm.objects.exists()
    call_command("import_archive", str(path), stderr=StringIO())
    assert set(LearnedTerm.objects.values_list("korean", "english")) == learned
