"""The statistics store (issue 11), split by role: ``columns`` (what each row contributes, computed by
the database and held as numpy arrays) and ``store`` (the process's copy, kept current from the
Redis change log, loaded in the background, filtered with numpy, and answers remembered)."""

from ThorTrading.selectors.stat_store.store import STORE, StatStore, UnsupportedCondition

__all__ = ["STORE", "StatStore", "UnsupportedCondition"]
