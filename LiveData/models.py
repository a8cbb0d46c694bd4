"""LiveData's own configuration: the symbols the Schwab stream subscribes to (issue 24)."""

from __future__ import annotations

from django.db import models

#: Schwab's futures symbols for Thor's 11 roots: "/" + root is the continuous front month.
DEFAULT_SCHWAB_SYMBOLS = {
    root: f"/{root}" for root in ("YM", "ES", "NQ", "RTY", "CL", "SI", "HG", "GC", "VX", "DX", "ZB")
}


class StreamSymbol(models.Model):
    """The symbol a streaming feed subscribes to for one of Thor's instruments, editable in the admin
    as the workbook's rows are: ``symbol`` is Thor's root (``ES``), ``schwab_symbol`` what Schwab's
    LEVELONE_FUTURES service takes (``/ES``, the front month; or a contract such as ``/ESZ25``)."""

    symbol = models.CharField(max_length=10, unique=True, help_text="Thor's root symbol, e.g. ES")
    schwab_symbol = models.CharField(
        max_length=20, help_text="Schwab LEVELONE_FUTURES symbol, e.g. /ES (front month) or /ESZ25"
    )
    enabled = models.BooleanField(default=True, help_text="Subscribe to it")

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.symbol} → {self.schwab_symbol}"
