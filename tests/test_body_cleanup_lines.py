"""Line rules of body cleanup on hostile and unspaced lines: a long line is story text,
never a marker, a stamp or a listed headline, and reading it costs one pass."""

from __future__ import annotations

from newsflow.tasks.extract.cleanup import clean_body

STORY = [
    "The council voted on Tuesday to build the bridge after a decade of argument.",
    "Residents said the works would close the ferry road for two summers.",
]
# A paragraph of Chinese: no spaces, so it is one "word", and no Latin full stop.
ZH_PARAGRAPH = "市交通局负责人在通车仪式上介绍说，大桥设有六条机动车道和两条非机动车道" * 6


def test_a_long_unspaced_paragraph_after_a_related_heading_is_story_text() -> None:
    body = "\n".join([STORY[0], "More", ZH_PARAGRAPH, STORY[1]])
    assert ZH_PARAGRAPH in clean_body(body)


def test_headlines_listed_under_a_related_heading_still_go() -> None:
    body = "\n".join([STORY[0], "More", "Harbour ferry timetable changes from Monday", STORY[1]])
    assert clean_body(body) == "\n".join(STORY)


def test_long_lines_shaped_like_markers_or_stamps_are_kept_whole() -> None:
    # Each line once made the marker or stamp regex backtrack over the whole line from
    # every position; they are one long word each and say nothing of furniture.
    placeholder = "Loading " + "." * 200_000 + "a"
    years = "2020," * 40_000
    for line in (placeholder, years):
        assert clean_body("\n".join([line, *STORY])).split("\n")[0] == line


def test_short_markers_and_stamps_are_still_dropped() -> None:
    body = "\n".join(
        [
            "Posted: 8 January 2014, 10:32",
            STORY[0],
            "Story continues below advertisement",
            "Loading weather data ...",
            STORY[1],
        ]
    )
    assert clean_body(body) == "\n".join(STORY)
