"""Offline answers: the retrieved sentences that best match the question, each cited.

No model, no network, deterministic: the default LLM_PROVIDER, so a fresh project answers
questions out of the box and tests and `make eval` run without keys. Sentences are scored
with the local hashing embeddings (words and their n-grams), whatever embeddings the
knowledge base uses, so this path never calls a remote provider.
"""

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from {{ cookiecutter.package_name }}.rag.embeddings import HashingEmbeddings, content_words
from {{ cookiecutter.package_name }}.rag.retrieval import SearchHit

MAX_SENTENCES = 3
MIN_SENTENCE_SCORE = 0.15  # below it a sentence shares too little with the question
RUNNER_UP_SHARE = 0.6  # other sentences must score at least this share of the best one
STEM_CHARS = 5
MIN_WORDS = 4  # shorter fragments are labels, not answers
MAX_HEADING_WORDS = 12
_CLOSING = (".", "!", "?", ":", ";", ",", ")", '"', "'")

# A sentence ends at . ! or ? followed by space and a capital, digit or opening quote.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[A-Z0-9])")
# Markdown and list decoration at the start of a line: "#", "-", "*", "1.", ">".
_LINE_DECORATION = re.compile(r"^\s*(?:#{1,6}|[-*+>]|\d+[.)])\s+")
_EMPHASIS = re.compile(r"\*\*|__|`")
_EMBEDDER = HashingEmbeddings(dimension=1024)


@dataclass(frozen=True)
class Sentence:
    text: str
    hit: int  # index of the chunk it comes from, in retrieval order
    position: int  # order within that chunk


def _is_heading(line: str, previous: str, following: str) -> bool:
    """A title rather than text: a markdown heading, or a short line without closing
    punctuation that starts a block (after a blank line or a finished sentence) and is
    not continued by the next line (which then starts a sentence, or is blank)."""
    if line.startswith("#"):
        return True
    short = len(line.split()) <= MAX_HEADING_WORDS and not line.endswith(_CLOSING)
    starts_block = not previous or previous.endswith(_CLOSING)
    return short and starts_block and not following[:1].islower()


def paragraphs(text: str) -> list[str]:
    """Blocks of running text: headings dropped, list items and table rows on their own,
    lines wrapped at a fixed width joined again."""
    lines = [_EMPHASIS.sub("", line).strip() for line in text.splitlines()]
    blocks: list[str] = []
    current: list[str] = []
    for index, line in enumerate(lines):
        previous = lines[index - 1] if index else ""
        following = lines[index + 1] if index + 1 < len(lines) else ""
        heading = bool(line) and _is_heading(line, previous, following)
        if not line or heading or _LINE_DECORATION.match(line) or line.startswith("|"):
            if current:
                blocks.append(" ".join(current))
            current = [] if not line or heading else [_LINE_DECORATION.sub("", line)]
        else:
            current.append(line)
    if current:
        blocks.append(" ".join(current))
    return blocks


def split_sentences(hits: Sequence[SearchHit]) -> list[Sentence]:
    """Every sentence of the chunks with at least MIN_WORDS words, in order."""
    sentences: list[Sentence] = []
    for index, hit in enumerate(hits):
        for block in paragraphs(hit.text):
            for text in _SENTENCE_END.split(block):
                text = " ".join(text.split())
                # Questions in the documents (FAQ headings) do not answer anything.
                if len(text.split()) >= MIN_WORDS and not text.endswith("?"):
                    sentences.append(Sentence(text, index, len(sentences)))
    return sentences


def _stems(text: str) -> set[str]:
    """Content words cut to STEM_CHARS: "refunds" and "refunded" meet as "refun"."""
    return {word[:STEM_CHARS] for word in content_words(text)}


def score_sentences(question: str, sentences: Sequence[Sentence]) -> NDArray[np.float64]:
    """Half similarity (words and n-grams), half the share of the question's rare words
    that the sentence contains; rarity (IDF) is counted among the candidate sentences, so
    a name every sentence repeats weighs little and the word that sets one apart weighs most.
    """
    texts = [s.text for s in sentences]
    vectors = np.array(_EMBEDDER.embed_documents(texts))
    similarity = vectors @ np.array(_EMBEDDER.embed_query(question))
    wanted = _stems(question)
    stems = [_stems(text) for text in texts]
    # Squared: the word that sets a sentence apart must outweigh names that all repeat.
    idf = {w: math.log(1 + len(texts) / (1 + sum(w in s for s in stems))) ** 2 for w in wanted}
    total = sum(idf.values()) or 1.0
    coverage = np.array([sum(idf[w] for w in wanted & s) / total for s in stems])
    scores: NDArray[np.float64] = 0.5 * similarity + 0.5 * coverage
    return scores


def select_sentences(question: str, hits: Sequence[SearchHit]) -> list[Sentence]:
    """Up to MAX_SENTENCES sentences that best answer the question, in reading order
    (best chunk first, then position), so the answer reads as the documents do."""
    sentences = split_sentences(hits)
    if not sentences:
        return []
    scores = score_sentences(question, sentences)
    ranked = sorted(range(len(sentences)), key=lambda i: (-scores[i], sentences[i].hit, i))
    best = [i for i in ranked[:MAX_SENTENCES] if scores[i] >= MIN_SENTENCE_SCORE]
    # Keep only sentences nearly as good as the best one: a weak runner-up adds noise.
    if best:
        floor = scores[best[0]] * RUNNER_UP_SHARE
        best = [i for i in best if scores[i] >= floor]
    return sorted((sentences[i] for i in best), key=lambda s: (s.hit, s.position))


def quote(question: str, hits: Sequence[SearchHit], numbers: Sequence[int]) -> tuple[str, list[int]]:
    """The answer: the best sentences, each followed by its source's [n] marker (`numbers[i]`
    is hit i's number); and the numbers cited. Empty when no sentence is good enough."""
    sentences = select_sentences(question, hits)
    text = " ".join(f"{s.text} [{numbers[s.hit]}]" for s in sentences)
    return text, [numbers[s.hit] for s in sentences]
