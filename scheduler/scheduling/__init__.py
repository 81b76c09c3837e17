"""Stage 2: every due child booked in a kind of review, on a day, at a time (see docs/model.md)."""
