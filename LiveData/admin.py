"""LiveData in the admin: the streaming feed's symbols."""

from __future__ import annotations

from django.contrib import admin

from LiveData.models import StreamSymbol


@admin.register(StreamSymbol)
class StreamSymbolAdmin(admin.ModelAdmin):
    list_display = ("symbol", "schwab_symbol", "enabled")
    list_editable = ("schwab_symbol", "enabled")
