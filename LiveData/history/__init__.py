"""Market history from vendors (SPEC §15): bars, statistics and contracts beside the tick archive, and
the importers of the files traders buy (LEAN/AlgoSeek, Databento DBN, plain bar CSVs)."""
