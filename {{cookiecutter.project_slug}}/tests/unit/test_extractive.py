from {{ cookiecutter.package_name }}.rag.extractive import paragraphs, select_sentences, split_sentences
from {{ cookiecutter.package_name }}.rag.retrieval import SearchHit


def hit(text: str) -> SearchHit:
    return SearchHit("c", "d", "doc.md", None, 0, text, 0.5, 0.5, None)


def test_headings_are_dropped_and_wrapped_lines_joined() -> None:
    text = (
        "# Returns\n\nYou may return a bike within 30 days\nof delivery for a refund.\n"
        "Shipping costs\nWe deliver in our own vans."
    )

    assert paragraphs(text) == [
        "You may return a bike within 30 days of delivery for a refund.",
        "We deliver in our own vans.",
    ]


def test_list_items_stand_alone_without_their_markers() -> None:
    text = "Periods:\n- **Frame:** 7 years against cracks.\n- Motor: 3 years for all parts.\n"

    assert paragraphs(text) == [
        "Periods:",
        "Frame: 7 years against cracks.",
        "Motor: 3 years for all parts.",
    ]


def test_questions_and_fragments_are_not_answers() -> None:
    sentences = split_sentences([hit("How long does it take? Delivery takes five working days.")])

    assert [s.text for s in sentences] == ["Delivery takes five working days."]


def test_the_word_that_sets_a_sentence_apart_wins() -> None:
    text = (
        "Pedalwright Cargo Co. builds cargo bikes for families. "
        "We were founded in 2016 in a boat shed. "
        "Pedalwright Cargo Co. also rents bikes by the month."
    )

    chosen = select_sentences("When was the company founded?", [hit(text)])

    assert [s.text for s in chosen] == ["We were founded in 2016 in a boat shed."]


def test_nothing_similar_selects_nothing() -> None:
    assert select_sentences("quantum chromodynamics", [hit("Bikes come in three colours.")]) == []
