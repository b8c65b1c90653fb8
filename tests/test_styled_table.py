"""ui/styled_table.py: the explorer's table shows numbers in the page's language, sorts them as numbers, and is
formatted once however many viewers it is sent to. (That the data stay numbers, so the table sorts by value, is
checked on the page: tests/test_pages_more.py compares the explorer table's values with the warehouse.)"""
from __future__ import annotations

import io

import pandas as pd
import pyarrow as pa
from streamlit.elements.lib.pandas_styler_utils import marshall_styler
from streamlit.proto.ArrowData_pb2 import ArrowData

from ui.i18n import format_number
from ui.styled_table import formatted_table


def _sent(styler) -> tuple[pd.DataFrame, ArrowData]:
    """What st.dataframe sends for `styler`: the display values as a frame, and the proto."""
    proto = ArrowData()
    marshall_styler(proto, styler, "default")
    return pa.ipc.open_stream(io.BytesIO(proto.styler.display_values)).read_all().to_pandas(), proto


FRAME = pd.DataFrame({"geo": ["NO", "SE", "DK"], "value": [0.9315, 1234.5, 12.0], "year": [2024, 2024, 2022]})


def test_numbers_shown_in_the_language_and_the_same_as_a_fresh_styler():
    calls: list[float] = []

    def nb(v):
        calls.append(v)
        return format_number(v, "nb")

    table = formatted_table(FRAME, {"value": nb, "index_value": nb})   # a column the frame lacks is skipped
    shown, proto = _sent(table)
    assert shown["value"].tolist() == ["0,9315", "1\u00a0234,5", "12"]
    assert shown["geo"].tolist() == ["NO", "SE", "DK"]
    fresh, _ = _sent(FRAME.style.format({"value": lambda v: format_number(v, "nb")}))
    pd.testing.assert_frame_equal(shown, fresh)
    # Only the formatted column's cells carry a style (and so a display value pass): column 1, rows 0-2.
    assert proto.styler.styles.split(" {")[0] == ", ".join(f"#T_{proto.styler.uuid}_row{r}_col1" for r in range(3))
    assert len(calls) == 3

    # Sent again (another viewer): the same display values, and the formatter is not run again.
    again, _ = _sent(table)
    pd.testing.assert_frame_equal(again, shown)
    assert len(calls) == 3



def test_a_table_without_the_formatted_columns_is_sent_as_it_is():
    shown, _ = _sent(formatted_table(FRAME, {"index_value": lambda v: "never"}))
    pd.testing.assert_frame_equal(shown, FRAME.astype(str))
