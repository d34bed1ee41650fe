from __future__ import annotations

from shared.search import SearchKey, search

NAMES = [("特种设备使用登记", "00790"), ("特种设备使用登记（电梯）", "00790-04"), ("特种设备作业人员考核", "00775"),
         ("工业产品生产许可证核发", "00785"), ("计量标准器具核准", "00780"), ("守法证明", "DG-Q27")]
ENTRIES = [(SearchKey.of(name, code), name) for name, code in NAMES]


def test_by_chinese_substring() -> None:
    assert search(ENTRIES, "电梯") == ["特种设备使用登记（电梯）"]
    assert search(ENTRIES, "许可") == ["工业产品生产许可证核发"]


def test_by_initials() -> None:
    assert search(ENTRIES, "tzsb")[:3] == ["特种设备使用登记", "特种设备使用登记（电梯）", "特种设备作业人员考核"]
    assert search(ENTRIES, "TZSBSYDJDT") == ["特种设备使用登记（电梯）"]
    assert search(ENTRIES, "sfzm") == ["守法证明"]


def test_by_full_pinyin_and_code() -> None:
    assert search(ENTRIES, "jiliang") == ["计量标准器具核准"]
    assert search(ENTRIES, "00785") == ["工业产品生产许可证核发"]
    assert search(ENTRIES, "dg-q27") == ["守法证明"]


def test_exact_code_ranks_first_and_no_match_is_empty() -> None:
    assert search(ENTRIES, "00790")[0] == "特种设备使用登记"
    assert search(ENTRIES, "xyzxyz") == []
    assert search(ENTRIES, "   ") == [name for name, _ in NAMES]
