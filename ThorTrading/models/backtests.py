"""Backtests run from the API (SPEC §13): what was asked, how far it got, and what it found."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class BacktestStatus(models.TextChoices):
    """Where a backtest is: waiting for the worker, running, done, or failed (``error`` says why)."""

    QUEUED = "QUEUED", "Queued"
    RUNNING = "RUNNING", "Running"
    DONE = "DONE", "Done"
    FAILED = "FAILED", "Failed"
    CANCELLED = "CANCELLED", "Cancelled"


class BacktestKind(models.TextChoices):
    """One variant (the What if) or a sweep of many (the Research page, issue 26)."""

    BACKTEST = "backtest", "Backtest"
    SWEEP = "sweep", "Sweep"


class Backtest(models.Model):
    """One run of the market-open strategy over the tick archive, kept with its result.

    ``params``: the request (dates, markets, targets, window, future). ``opens_done`` /
    ``opens_total``: progress. ``result``: ``{"params", "stats", "trades"}`` as ``manage.py backtest
    --json`` prints it (prices in points, P&L in USD), set when DONE. Each user sees their own.
    """

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="backtests")
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True, help_text="Last progress: a run that stops moving was interrupted")
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=BacktestStatus.choices, default=BacktestStatus.QUEUED)
    params = models.JSONField(default=dict)
    opens_done = models.PositiveIntegerField(default=0)
    opens_total = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    result = models.JSONField(null=True, blank=True)
    kind = models.CharField(max_length=10, choices=BacktestKind.choices, default=BacktestKind.BACKTEST)
    cancel_requested = models.BooleanField(default=False, help_text="Its owner asked to stop it (a sweep checks often)")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="backtest_owner_created")]

    def __str__(self) -> str:
        return f"backtest {self.pk} {self.params.get('from')}…{self.params.get('to')} {self.status}"

    @property
    def progress(self) -> float:
        """Percent of the opens tested (100 when done)."""
        if self.status == BacktestStatus.DONE:
            return 100.0
        return round(100 * self.opens_done / self.opens_total, 1) if self.opens_total else 0.0
