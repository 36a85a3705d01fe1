"""Timeline summarisation in the protocol of tilse / news-tls, and its metrics.

Inputs are the field's own formats:

* articles: JSON lines ``{"id": ..., "time": "YYYY-MM-DD[...]", "text": ...}``;
* a gold timeline: a ``YYYY-MM-DD`` line, one summary sentence per line, and a line of
  dashes between dates.

``build_timeline`` is an extractive baseline (date selection by how often a date is
published on and mentioned, then for each date the sentences nearest the centroid of the
sentences about it, weighted by TF-IDF), asked for as many dates as the gold timeline has
and kept within the gold timeline's first and last dates, as the protocol does.
``evaluate`` gives

* ``date_f1``: F1 of the predicted dates against the gold dates;
* ``ar1_f`` / ``ar2_f``: alignment-based ROUGE-1/-2 F (Martschat & Markert 2017,
  "align+ m:1" as used by news-tls): every predicted date is aligned to the gold date with
  the least cost ``(1 - 1/(|Δdays|+1)) * (1 - ROUGE-1 F of the two summaries)`` (and every
  gold date to a predicted date for recall); matched n-gram counts are weighted by
  ``1/(|Δdays|+1)`` and summed over dates before dividing.

Tokens come from the ``rouge-score`` library's tokenizer (lowercase, alphanumeric, Porter
stemming), so a one-date timeline scores exactly what ``rouge_scorer`` gives for the pair.
Unlike tilse's Perl ROUGE, no stopword list is removed.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from rouge_score import tokenizers

from dyadwatch.brief.dates import find_dates

Timeline = dict[date, list[str]]

_DATE_LINE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})\s*$")
_DASHES = re.compile(r"^\s*-{3,}\s*$")


class TimelineInputError(ValueError):
    """A timeline or article file that cannot be read: names the file and line."""


@dataclass(frozen=True)
class Article:
    id: str
    time: date
    text: str


def _parse_time(value: object) -> date:
    text = str(value).strip()
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        return date.fromisoformat(text[:10])


def read_articles(path: str | Path, *, errors: list[str] | None = None) -> list[Article]:
    """Articles from a JSONL file; a bad line is reported in ``errors`` and skipped."""
    path = Path(path)
    articles: list[Article] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise TimelineInputError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            articles.append(
                Article(str(record["id"]), _parse_time(record["time"]), str(record["text"]))
            )
        except (ValueError, KeyError, TypeError) as exc:
            message = f"{path}:{number}: skipped article ({type(exc).__name__}: {exc})"
            if errors is None:
                raise TimelineInputError(message) from exc
            errors.append(message)
    return articles


def read_timeline(path: str | Path) -> Timeline:
    """A tilse timeline file: date line, summary lines, dashes between dates."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise TimelineInputError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    timeline: Timeline = {}
    current: date | None = None
    for number, line in enumerate(lines, start=1):
        if _DASHES.match(line):
            current = None
            continue
        match = _DATE_LINE.match(line)
        if match and current is None:
            try:
                current = date.fromisoformat(match.group(1))
            except ValueError as exc:
                raise TimelineInputError(f"{path}:{number}: bad date {match.group(1)!r}") from exc
            timeline.setdefault(current, [])
            continue
        if not line.strip():
            continue
        if current is None:
            raise TimelineInputError(f"{path}:{number}: summary line before any date line")
        timeline[current].append(line.strip())
    if not timeline:
        raise TimelineInputError(f"{path}: no dated entries found")
    return timeline


def write_timeline(timeline: Timeline) -> str:
    """The tilse text form of a timeline."""
    blocks = []
    for day in sorted(timeline):
        blocks.append("\n".join([day.isoformat(), *timeline[day]]))
    return ("\n" + "-" * 40 + "\n").join(blocks) + "\n"


# --------------------------------------------------------------------------- building

_tokenizer = tokenizers.DefaultTokenizer(use_stemmer=True)


def tokens(text: str) -> list[str]:
    return _tokenizer.tokenize(text)


def _split_sentences(text: str) -> list[str]:
    from dyadwatch.nlp import sentencizer

    return [s.text.strip() for s in sentencizer()(text).sents if s.text.strip()]


def build_timeline(
    articles: Sequence[Article],
    n_dates: int,
    sentences_per_date: int = 1,
    *,
    keywords: Iterable[str] = (),
    start: date | None = None,
    end: date | None = None,
) -> Timeline:
    """An extractive timeline with ``n_dates`` dates, ``sentences_per_date`` sentences each.

    ``start``/``end`` bound the dates the timeline may use (the protocol restricts a
    timeline to the span of the gold one).

    A sentence is dated by the first date it mentions (resolved against its article's
    publication date), else by the publication date. A date's score counts the sentences
    that mention it (weight 1 each) and the articles published on it (weight 0.5): dates
    that several sources refer back to are the ones timelines keep.
    """
    words = [k.lower() for k in keywords if k.strip()]
    by_date: dict[date, list[str]] = defaultdict(list)
    score: Counter[date] = Counter()
    for article in articles:
        published_counted = False
        for sentence in _split_sentences(article.text):
            if words and not any(word in sentence.lower() for word in words):
                continue
            n_tokens = len(sentence.split())
            if n_tokens < 5 or n_tokens > 60:
                continue
            mentions = [m for m in find_dates(sentence, article.time) if m.precision == "day"]
            if mentions:
                day = mentions[0].date
                # Every day the sentence refers to gains; the sentence itself belongs to the first.
                for mentioned in {m.date for m in mentions}:
                    score[mentioned] += 1.0
            else:
                day = article.time
                if not published_counted:
                    score[day] += 0.5
                    published_counted = True
            by_date[day].append(sentence)
    in_span = [d for d in score if (start is None or d >= start) and (end is None or d <= end)]
    # Ties break on the earlier date so the result is deterministic.
    chosen = sorted(in_span, key=lambda day: (-score[day], day))[:n_dates]
    idf = _idf([s for day in chosen for s in by_date[day]])
    timeline: Timeline = {}
    for day in sorted(chosen):
        timeline[day] = _central_sentences(by_date[day], sentences_per_date, idf)
    return timeline


def _idf(sentences: list[str]) -> dict[str, float]:
    """Inverse sentence frequency of stemmed terms over the chosen dates' sentences."""
    frequency: Counter[str] = Counter()
    for sentence in sentences:
        frequency.update(set(tokens(sentence)))
    n = max(len(sentences), 1)
    return {term: math.log((1 + n) / (1 + f)) + 1.0 for term, f in frequency.items()}


def _central_sentences(sentences: list[str], k: int, idf: dict[str, float] | None = None) -> list[str]:
    """The ``k`` sentences closest (cosine of TF-IDF vectors of stemmed terms) to their centroid."""
    unique = list(dict.fromkeys(sentences))
    weights = idf or {}
    vectors = [Counter({t: c * weights.get(t, 1.0) for t, c in Counter(tokens(s)).items()}) for s in unique]
    centroid: Counter[str] = Counter()
    for vector in vectors:
        centroid.update(vector)

    def cosine(a: Counter[str], b: Counter[str]) -> float:
        dot = sum(v * b.get(t, 0) for t, v in a.items())
        norm = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
        return dot / norm if norm else 0.0

    ranked = sorted(range(len(unique)), key=lambda i: (-cosine(vectors[i], centroid), i))
    picked: list[int] = []
    for i in ranked:
        # Skip near-repeats of a sentence already chosen.
        if any(cosine(vectors[i], vectors[j]) > 0.7 for j in picked):
            continue
        picked.append(i)
        if len(picked) == k:
            break
    return [unique[i] for i in sorted(picked)]


# --------------------------------------------------------------------------- metrics


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def date_f1(predicted: Timeline, gold: Timeline) -> dict[str, float]:
    pred, ref = set(predicted), set(gold)
    hits = len(pred & ref)
    precision = hits / len(pred) if pred else 0.0
    recall = hits / len(ref) if ref else 0.0
    return {"precision": precision, "recall": recall, "f1": _f1(precision, recall)}


def _ngrams(words: list[str], n: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(words[i : i + n]) for i in range(len(words) - n + 1))


def _summary_tokens(summary: list[str]) -> list[str]:
    # One token stream per date, as tilse concatenates a day's sentences.
    return [t for sentence in summary for t in tokens(sentence)]


def _overlap(a: Counter, b: Counter) -> int:
    return sum(min(count, b[gram]) for gram, count in a.items())


def _rouge1_f(a: list[str], b: list[str]) -> float:
    ca, cb = Counter(a), Counter(b)
    match = _overlap(ca, cb)
    return _f1(match / len(a) if a else 0.0, match / len(b) if b else 0.0)


def _distance_weight(a: date, b: date) -> float:
    return 1.0 / (abs(a.toordinal() - b.toordinal()) + 1)


def alignment_rouge(predicted: Timeline, gold: Timeline, n: int) -> dict[str, float]:
    """Alignment-based ROUGE-n ("align+ m:1"): precision, recall, F."""
    pred_dates, gold_dates = sorted(predicted), sorted(gold)
    pred_tokens = {d: _summary_tokens(predicted[d]) for d in pred_dates}
    gold_tokens = {d: _summary_tokens(gold[d]) for d in gold_dates}
    pred_grams = {d: _ngrams(pred_tokens[d], n) for d in pred_dates}
    gold_grams = {d: _ngrams(gold_tokens[d], n) for d in gold_dates}
    content = {
        (p, g): 1.0 - _rouge1_f(pred_tokens[p], gold_tokens[g])
        for p in pred_dates
        for g in gold_dates
    }

    def cost(p: date, g: date) -> float:
        return (1.0 - _distance_weight(p, g)) * content[(p, g)]

    def weighted_hits(p: date, g: date) -> float:
        return _distance_weight(p, g) * _overlap(pred_grams[p], gold_grams[g])

    precision_hits = 0.0
    for p in pred_dates:
        if gold_dates:
            g = min(gold_dates, key=lambda g, p=p: cost(p, g))  # first minimum, as argmin
            precision_hits += weighted_hits(p, g)
    recall_hits = 0.0
    for g in gold_dates:
        if pred_dates:
            p = min(pred_dates, key=lambda p, g=g: cost(p, g))
            recall_hits += weighted_hits(p, g)
    precision_total = sum(sum(c.values()) for c in pred_grams.values())
    recall_total = sum(sum(c.values()) for c in gold_grams.values())
    precision = precision_hits / precision_total if precision_total else 0.0
    recall = recall_hits / recall_total if recall_total else 0.0
    return {"precision": precision, "recall": recall, "f1": _f1(precision, recall)}


def evaluate(predicted: Timeline, gold: Timeline) -> dict[str, float | dict[str, float]]:
    """``date_f1``, ``ar1_f`` and ``ar2_f`` plus their precision/recall details."""
    dates = date_f1(predicted, gold)
    ar1 = alignment_rouge(predicted, gold, 1)
    ar2 = alignment_rouge(predicted, gold, 2)
    return {
        "date_f1": dates["f1"],
        "ar1_f": ar1["f1"],
        "ar2_f": ar2["f1"],
        "dates": dates,
        "ar1": ar1,
        "ar2": ar2,
    }


def run(
    articles_path: str | Path,
    gold_path: str | Path,
    *,
    keywords: Iterable[str] = (),
    errors: list[str] | None = None,
) -> dict:
    """Read, build a timeline as long as the gold one, score it. Used by ``eval timeline``."""
    gold = read_timeline(gold_path)
    # A bad article line is reported and skipped; the evaluation goes on.
    articles = read_articles(articles_path, errors=[] if errors is None else errors)
    per_date = max(1, round(sum(len(v) for v in gold.values()) / len(gold)))
    predicted = build_timeline(articles, len(gold), per_date, keywords=keywords,
                               start=min(gold), end=max(gold))
    scores = evaluate(predicted, gold)
    return {
        **scores,
        "n_articles": len(articles),
        "gold_dates": len(gold),
        "predicted_dates": len(predicted),
        "sentences_per_date": per_date,
        "timeline": [{"date": d.isoformat(), "summary": predicted[d]} for d in sorted(predicted)],
    }
