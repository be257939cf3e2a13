"""Why a suggestion exists, in data and in plain words: journey, state, events, rule, data, consent."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from journeys.catalogue import service
from journeys.constants import CauseType
from journeys.models import JourneyInstance, JourneyStep
from journeys.suggestions.words import BSN, cause_words, data_words, fields_read, listed, used_bsn
from journeys.validation import Definition
from kcc.consent.models import ConsentRecord

MAX_EVENTS = 10


def steps_leading_to(instance: JourneyInstance, session: Any) -> list[JourneyStep]:
    """The newest steps of the instance that moved it (oldest first), at most ``MAX_EVENTS``."""
    rows = session.scalars(
        select(JourneyStep)
        .where(JourneyStep.instance_id == instance.id, JourneyStep.moved.is_(True))
        .order_by(JourneyStep.id.desc())
        .limit(MAX_EVENTS)
    )
    return list(reversed(list(rows)))


def _trigger_for(definition: Definition, step: JourneyStep, kind: str) -> dict[str, Any] | None:
    """The trigger of the document that fired for this step (``None`` for timers and agents)."""
    if kind == CauseType.EVENT:
        on = step.why.split(" from ", 1)[0]
    elif kind == CauseType.CONTACT_MOMENT:
        on = "contact_moment.recorded"
    else:
        return None
    for trigger in definition.triggers:
        if trigger.get("on") != on:
            continue
        if trigger.get("event") == step.event or (trigger.get("start") and step.event == "start"):
            return trigger
    return None


def cause_of(definition: Definition, step: JourneyStep | None) -> dict[str, Any]:
    """What made the journey enter the state: the one step that moved it there, in data."""
    if step is None:
        return {"kind": CauseType.SYSTEM}
    kind = str(step.cause_type)
    cause: dict[str, Any] = {
        "kind": kind,
        "event": step.event,
        "at": step.occurred_at.isoformat(),
        "event_id": step.event_id,
    }
    trigger = _trigger_for(definition, step, kind)
    if trigger is not None:
        cause["type"] = trigger["on"]
        cause["fields"] = fields_read(trigger.get("match"))
    if kind == CauseType.TIMER:
        cause["duration"] = next(
            (
                str(timer.get("after"))
                for state in definition.document.get("states") or {}
                for timer in definition.timers(state)
                if timer.get("event") == step.event
            ),
            "",
        )
    return cause


def rule_words(service_title: dict[str, str] | None) -> dict[str, str]:
    """The rule in words: who gets a message about what."""
    title = service_title or {}
    return {
        "nl": f"wie hiermee te maken heeft, krijgt een bericht over: {title.get('nl') or 'deze dienst'}",
        "en": f"people in this situation get a message about: {title.get('en') or 'this service'}",
    }


def consent_dict(row: ConsentRecord | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {
        "id": str(row.uuid),
        "purpose": row.purpose,
        "channel": row.channel,
        "method": row.method,
        "granted_at": row.recorded_at.isoformat(),
        "text_version": row.text_version,
        "expires_at": row.expires_at.isoformat() if row.expires_at else None,
    }


def explain(
    definition: Definition,
    instance: JourneyInstance,
    state: str,
    offer: dict[str, Any],
    steps: list[JourneyStep],
    event_id: str,
    consent: ConsentRecord | None,
) -> dict[str, Any]:
    """The explanation stored with a suggestion."""
    entry = service(offer["service"]) or {}
    cause = cause_of(definition, steps[-1] if steps else None)
    return {
        "journey": definition.key,
        "journey_title": definition.document["title"],
        "version": definition.number,
        "state": state,
        "state_label": {"nl": definition.label(state, "nl"), "en": definition.label(state, "en")},
        "service": {
            "key": offer["service"],
            "title": entry.get("title"),
            "link": entry.get("link"),
        },
        "purpose": offer.get("consent_purpose", ""),
        "events": [
            {
                "event_id": s.event_id,
                "event": s.event,
                "at": s.occurred_at.isoformat(),
                "cause": s.cause_type,
                "cause_ref": s.cause_ref,
                "why": s.why,
            }
            for s in steps
        ],
        "cause": cause,
        "state_entered_event_id": event_id,
        "rule": rule_words(entry.get("title")),
        "rule_text": offer.get("text"),
        "data_used": list(cause.get("fields") or []),
        "consent": consent_dict(consent),
        "decides_nothing": True,
    }


SENTENCES = {
    "nl": (
        "U krijgt dit bericht omdat {cause}.",
        "Dat was op {date}.",
        "Verder gebruikten wij alleen: {data}.",
        "Wij gebruikten geen gegevens van u.",
        "Onze regel is: {rule}.",
        "De gemeente beslist hier niets mee. U kiest zelf.",
        "Wilt u dit niet? Antwoord dan NEE.",
        "Wilt u geen berichten meer? Stuur STOP of ga naar {link}",
        "U mag ook bezwaar maken tegen het gebruik van uw gegevens (AVG artikel 21).",
        "Dat kan via dezelfde link, aan de balie of via 14 024.",
    ),
    "en": (
        "You get this message because {cause}.",
        "That was on {date}.",
        "Apart from that we only used: {data}.",
        "We used none of your data.",
        "Our rule is: {rule}.",
        "The municipality decides nothing by this. You choose.",
        "Do you not want this? Then reply NO.",
        "Do you want no more messages? Text STOP or go to {link}",
        "You may also object to the use of your data (GDPR article 21).",
        "You can do so with the same link, at the counter or on 14 024.",
    ),
}
NO_LINK = {
    "nl": "Wilt u geen berichten meer? Stuur STOP of zeg het ons.",
    "en": "Do you want no more messages? Text STOP or tell us.",
}


def plain_words(explanation: dict[str, Any], language: str = "en", link: str | None = None) -> str:
    """The explanation for the resident, in short sentences of their language (B1): the event
    that caused it, only the data it used, the rule, that nothing is decided, and how to say
    no, withdraw or object, with the link that does it."""
    lang = "nl" if language == "nl" else "en"
    cause = explanation.get("cause") or {}
    (because, on, used, unused, rule, decides, say_no, stop, objection, how) = SENTENCES[lang]
    data = data_words(cause, lang)
    parts = [because.format(cause=cause_words(cause, lang))]
    if cause.get("at"):
        parts.append(on.format(date=_date(str(cause["at"]), lang)))
    if used_bsn(cause):
        parts.append(BSN[lang])
    if data:
        parts.append(used.format(data=listed(data, lang)))
    elif not used_bsn(cause):
        parts.append(unused)
    rules = explanation.get("rule")
    if isinstance(rules, dict) and rules.get(lang):
        parts.append(rule.format(rule=rules[lang]))
    parts += [decides, say_no]
    if link:
        parts += [stop.format(link=link), objection, how]
    else:
        parts += [NO_LINK[lang], objection]
    return " ".join(parts)


MONTHS = {
    "nl": "januari februari maart april mei juni juli augustus september oktober november december",
    "en": "January February March April May June July August September October November December",
}


def _date(iso: str, language: str) -> str:
    year, month, day = int(iso[:4]), int(iso[5:7]), int(iso[8:10])
    name = MONTHS[language].split()[month - 1]
    return f"{day} {name} {year}"
