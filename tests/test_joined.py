"""`calculation.joined`: the frames of a FY's projects one under another. Consecutive frames of
the same columns and categories (a shared file's towns) are concatenated as runs first; what
comes out is the frame-by-frame union (the categories in the order they first appear)."""

from __future__ import annotations

import pandas as pd
from pandas.api.types import union_categoricals

from offset.methods.calculation import joined


def _frame(codes: list[str], categories: list[str], kw: list[float]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "municipality": pd.Categorical(codes, categories=categories),
            "kw": kw,
            "note": pd.Series([f"n{v}" for v in kw], dtype="string"),
        },
        index=[7 * len(kw) + i for i in range(len(kw))],  # a file's rows, not numbered from 0
    )


def _frame_by_frame(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The union taken over each frame (what `joined` did before runs)."""
    whole = pd.concat([f.drop(columns="municipality") for f in frames], ignore_index=True)
    values = union_categoricals([f["municipality"].array for f in frames], ignore_order=True)
    whole["municipality"] = values
    return whole[list(frames[0].columns)]


def test_runs_of_one_file_join_as_the_frames_one_by_one() -> None:
    north = ["011002", "012025", "012033"]
    east = ["131016", "131024"]
    frames = [
        _frame(["012025", "011002"], north, [3.0, 4.5]),
        _frame(["012033"], north, [5.0]),
        _frame(["131024", "131016", "131024"], east, [6.0, 7.0, 8.0]),
        _frame(["011002"], north, [9.0]),  # the first file again, after another
    ]
    got = joined(frames)
    pd.testing.assert_frame_equal(got, _frame_by_frame(frames), check_exact=True)
    assert list(got["municipality"].cat.categories) == [*north, *east]
    assert list(got["kw"]) == [3.0, 4.5, 5.0, 6.0, 7.0, 8.0, 9.0]


def test_frames_of_one_file_keep_its_categories() -> None:
    north = ["011002", "012025"]
    frames = [_frame(["012025"], north, [1.0]), _frame(["011002", "012025"], north, [2.0, 3.0])]
    got = joined(frames)
    pd.testing.assert_frame_equal(got, _frame_by_frame(frames), check_exact=True)
    assert got.index.equals(pd.RangeIndex(3))


def test_an_ordered_categorical_is_joined_frame_by_frame() -> None:
    grades = ["I", "II", "III"]
    frames = [
        pd.DataFrame({"site": pd.Categorical(["II"], categories=grades, ordered=True)}),
        pd.DataFrame({"site": pd.Categorical(["III"], categories=grades, ordered=True)}),
    ]
    got = joined(frames)
    assert not got["site"].cat.ordered  # the union ignores the order, as before
    assert list(got["site"]) == ["II", "III"]
