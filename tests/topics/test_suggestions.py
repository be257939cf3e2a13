"""Topic suggestions for residents' free text: accuracy on the labelled set, and over HTTP."""

from __future__ import annotations

from pathlib import Path

from kcc.demo.topics import demo_index_terms
from kcc.topics.suggest import TopicIndex
from tests.conftest import Caller

LABELLED = Path(__file__).with_name("messages.tsv")
TARGET_TOP3 = 0.85


def labelled_messages() -> list[tuple[set[str], str]]:
    """(acceptable topic keys, message) of every line of the labelled set."""
    rows = []
    for line in LABELLED.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            keys, message = line.split("\t")
            rows.append((set(keys.split(",")), message))
    return rows


def test_the_labelled_set_is_large_and_names_only_known_topics() -> None:
    rows = labelled_messages()
    known = {t.key for t in demo_index_terms()}
    assert len(rows) >= 300
    assert {k for keys, _ in rows for k in keys} <= known
    assert len({m for _, m in rows}) == len(rows)  # no message counted twice


def test_top3_accuracy_on_the_labelled_set_reaches_the_target() -> None:
    index = TopicIndex(demo_index_terms())
    rows = labelled_messages()
    misses = [
        (keys, message, [s.key for s in index.suggest(message, 3)])
        for keys, message in rows
        if not keys & {s.key for s in index.suggest(message, 3)}
    ]
    accuracy = 1 - len(misses) / len(rows)
    assert accuracy >= TARGET_TOP3, f"top-3 accuracy {accuracy:.1%}; misses: {misses[:10]}"


def test_a_suggestion_says_which_words_led_to_it() -> None:
    index = TopicIndex(demo_index_terms())
    best = index.suggest("Ik ben verhuisd, nieuwe adres Dorpsstraat 3")[0]
    assert best.key == "verhuizen"
    assert "'verhuisd'" in best.reason and best.reason.startswith("matched ")
    typo = index.suggest("mijn paspoord is verlopen")[0]
    assert typo.key == "paspoort" and "paspoord" in typo.matched
    compound = index.suggest("parkeervergunningaanvraag")[0]
    assert compound.key == "parkeervergunning"
    assert index.suggest("!!! ??? ...") == []
    assert index.suggest("") == []


def test_agents_ask_for_suggestions_over_http(agent: Caller, catalogue: dict[str, str]) -> None:
    response = agent.post(
        "/api/v1/topics/suggest", json={"text": "hoi mijn kliko is kapot gereden", "limit": 3}
    )
    assert response.status_code == 200, response.get_json()
    first = response.get_json()["items"][0]
    assert first["key"] == "container" and first["topic_id"] == catalogue["container"]
    assert first["reason"].startswith("matched '")
    too_long = agent.post("/api/v1/topics/suggest", json={"text": "a" * 10_001})
    assert too_long.status_code == 422
    assert agent.post("/api/v1/topics/suggest", json={"text": "!!!"}).get_json()["items"] == []


def test_a_changed_catalogue_is_suggested_at_once(
    admin: Caller, agent: Caller, catalogue: dict[str, str]
) -> None:
    text = {"text": "Er ligt hondenstront op de stoep"}
    before = [s["key"] for s in agent.post("/api/v1/topics/suggest", json=text).get_json()["items"]]
    assert "hondenpoep" not in before
    body = {"key": "hondenpoep", "name_nl": "Hondenpoep", "name_en": "Dog mess"}
    body["synonyms"] = ["hondenstront"]  # type: ignore[assignment]
    assert admin.post("/api/v1/topics", json=body).status_code == 201
    after = agent.post("/api/v1/topics/suggest", json=text).get_json()["items"]
    assert after[0]["key"] == "hondenpoep"
