"""Write ``LiveData/sample/rtd_sample.xlsx``: a TOS RTD workbook in the real layout for ``make run``.

Same sheet (``LiveData``), headers and quirks as the real workbooks in ``../shared/data/tos/``:
ZB in 32nds as text (``117'27``, ``+0'14``), the dollar index as ``$DXY`` with ``N/A`` bid, ask,
sizes and volume, a ``Loading...`` cell, and the "Tip" column TOS users keep beside the range.
Run: ``.venv/bin/python scripts/make_sample_workbook.py`` (needs the dev extra for openpyxl).
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

HEADERS = [
    "Type",
    "Symbol",
    "Description",
    "Close",
    "Open",
    "NetChange",
    "24High",
    "24Low",
    "Volume",
    "Bid",
    "Last",
    "Ask",
    "BidSize",
    "AskSize",
    None,
    None,
    "Tip: Alt+F8 ? AddRTDRow_FromPrompt",
]
ROWS = [
    ["Futures", "YM", "E-mini Dow Jones", 47490, 47513, 61, 47580, 47442, 12095, 47542, 47551, 47545, 1, 2],
    ["Futures", "ES", "E-mini S&P 500", 6828, 6830.25, 7, 6841.25, 6824.25, 92102, 6834.75, 6835, 6835.75, 1, 3],
    [
        "Futures",
        "NQ",
        "E-mini Nasdaq 100",
        25302.25,
        25313,
        44.75,
        25368,
        25285.75,
        54396,
        25345.75,
        25347,
        25347.75,
        1,
        2,
    ],
    ["Futures", "RTY", "Russle", 2492.8, 2490.9, 3.5, 2500.9, 2486.1, 15006, 2496.2, 2496.3, 2496.3, 2, 2],
    ["Futures", "CL", "Crude Oil", 58.65, 58.58, 0.43, 59.17, 58.27, 63813, 59.0, 59.08, 59.08, 1, 1],
    ["Futures", "SI", "Silver", 53.607, 53.755, 1.043, 54.65, 53.22, 46515, 54.6, 54.65, 54.65, 1, 1],
    ["Futures", "HG", "Copper", 5.194, 5.206, -0.01, 5.21, 5.133, 12927, 5.1805, 5.184, 5.188, 2, 2],
    ["Futures", "GC", "Gold", 4202.3, 4198.6, 19.0, 4227.5, 4174.6, 89832, 4221.3, 4221.3, 4222.0, 1, 2],
    ["Futures", "VX", "Vix", 18.71, 18.75, -0.06, 18.85, 18.65, "Loading...", 18.65, 18.65, 18.7, 101, 128],
    ["Index", "$DXY", "Dollar", 99.532, 99.568, 0.103, 99.652, 99.538, "N/A", "N/A", 99.635, "N/A", "N/A", "N/A"],
    [
        "Futures",
        "ZB",
        "Unknown Symbol",
        "117'27",
        "117'27",
        "+0'14",
        "117'29",
        "117'19",
        51733,
        "117'19",
        "117'20",
        "117'22",
        18,
        3,
    ],
]


def main() -> None:
    path = Path(__file__).resolve().parent.parent / "LiveData" / "sample" / "rtd_sample.xlsx"
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "LiveData"
    sheet.append(HEADERS)
    for row in ROWS:
        sheet.append(row)
    workbook.save(path)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
