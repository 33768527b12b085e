"""A case that needs a person (issue 12: never silently half done).

A saga step that cannot succeed — it kept failing through its retries with backoff, or its reply
was dead-lettered — parks the case in `needs_attention` (`park`): the case keeps the reason, the
status it was in and the step to retry there. Parked again before anyone acted, it keeps the
newest reason and step (recorded, no move). Staff then either `retry` — the case goes back to the parked
status and the saga runs the step again (its name is returned) — or `force_close` it with a reason
(`closed`). Nothing else moves a parked case except what the outside reports (see `case.py`), an
exchange turned into a refund (`conversions.py`), and the buyer cancelling where the parked
status allows it.
"""

from datetime import datetime

from tradeflow_after_sales.domain.errors import IllegalTransition
from tradeflow_after_sales.domain.model import Attention
from tradeflow_after_sales.domain.opening import required
from tradeflow_after_sales.domain.states import CaseEvent, CaseStatus

S, E = CaseStatus, CaseEvent


class Attending:
    """Mixed into `AfterSalesCase`: uses its status, attention, `_target`, `_move` and `_record`."""

    def park(self, step: str, reason: str, now: datetime, actor: str = "saga") -> None:
        step, reason = required(step, "step"), required(reason, "reason")
        if self._status is S.NEEDS_ATTENTION:
            self._attention = Attention(reason, self._attention.status, step, now)
            self._record(now, self._status, E.PARK, actor, f"{step}: {reason}")
            return
        self._target(E.PARK)
        attention = Attention(reason, self._status, step, now)
        self._move(E.PARK, actor, now, f"{step}: {reason}")
        self._attention = attention

    def retry(self, actor: str, now: datetime) -> str:
        """Back to the parked status; returns the step the saga runs again."""
        if self._attention is None:
            raise IllegalTransition(f"case {self.id} is {self._status}: only a case that needs attention is retried")
        step = self._attention.step
        self._move(E.RETRY, actor, now, step, to_status=self._attention.status)
        return step

    def force_close(self, actor: str, reason: str, now: datetime) -> None:
        """Staff close a parked case for good: it is `closed`, whatever it held released — unless
        its refund was made (then its units and money stay counted)."""
        self._move(E.FORCE_CLOSE, actor, now, required(reason, "reason"))
