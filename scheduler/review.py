"""What one child's review needs: its length, which kinds it may be, and who runs each kind.

The one place these contract rules live; both stages, the explanations and the exports ask
here, so a meeting is never 45 minutes in one room and 60 in another.
"""

from __future__ import annotations

from collections.abc import Mapping

from scheduler.config import Config, ReviewModel
from scheduler.domain import Child


def meeting_minutes(child: Child, config: Config) -> int:
    """The meeting itself: longer with prior concerns, and with an interpreter when set."""
    review = config.review
    extra = review.prior_concerns_extra_minutes if child.prior_concerns else 0
    if child.interpreter_language:
        extra += review.interpreter_extra_minutes
    return review.meeting_minutes + extra


def pre_meeting_minutes(model: ReviewModel, config: Config) -> int:
    """The practitioners' pre-meeting: joint reviews only."""
    return config.review.pre_meeting_minutes if model == "joint" else 0


def block_minutes(child: Child, model: ReviewModel, config: Config) -> int:
    """The practitioner's time for one review: pre-meeting (joint) plus meeting."""
    return pre_meeting_minutes(model, config) + meeting_minutes(child, config)


def own_model(child: Child, config: Config) -> ReviewModel:
    """The child's own kind of review: their ``review_model``, else the authority's."""
    return child.review_model or config.review.model


def excluded_because(child: Child, model: ReviewModel) -> str | None:
    """Why the data rule out this kind of review for the child, or ``None``."""
    if model == "joint":
        if child.setting_id is None:
            return "attends no setting, so cannot have a joint review at one"
        if child.consent_to_share is False:
            return "the parent has not consented to health and the setting sharing information"
    if model == "home" and child.home is None:
        return "has no home location (home_lat, home_lon) for a home visit"
    return None


def candidate_models(child: Child, config: Config) -> tuple[ReviewModel, ...]:
    """The kinds the child may have, own kind first, then ``[review] fallback`` in order."""
    out: list[ReviewModel] = []
    for model in (own_model(child, config), *config.review.fallback):
        if model not in out:
            out.append(model)
    return tuple(out)


def allowed_models(child: Child, config: Config) -> tuple[ReviewModel, ...]:
    """:func:`candidate_models` without the kinds the data rule out."""
    return tuple(m for m in candidate_models(child, config) if excluded_because(child, m) is None)


def runs_on_link(child: Child, model: ReviewModel) -> bool:
    """Whether this kind of review is run by the setting's link practitioner (joint always;
    clinic and home ones when the family has no caseload practitioner)."""
    return model == "joint" or child.practitioner_id is None


def practitioner_for(child: Child, model: ReviewModel, link_of: Mapping[str, str]) -> str | None:
    """Who runs this kind of review for the child given the links; ``None`` when nobody can
    (the setting has no link, or the child attends none)."""
    if not runs_on_link(child, model):
        return child.practitioner_id
    if child.setting_id is None:
        return None
    return link_of.get(child.setting_id)
