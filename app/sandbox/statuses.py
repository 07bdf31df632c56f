"""Execution statuses, as the API spells them."""

from __future__ import annotations

CREATED, ACTIVE, IN_QA = "CREATED", "ACTIVE", "IN_QA"
COMPLETED, FAILED, PAYMENT_REQUIRED = "COMPLETED", "FAILED", "PAYMENT_REQUIRED"
FINAL = frozenset({COMPLETED, FAILED, PAYMENT_REQUIRED})  # until a retry
