"""Files people drop into the landing bucket: a daily QA-scores export of Warby Parker's quality team.

Written the way a spreadsheet export really looks: a UTF-8 BOM, CRLF line ends, punctuation in the headers,
quoted commas and line breaks in the comments. Deterministic per day, graded on the Gladly sandbox's agents.
"""

from __future__ import annotations

import csv
import io
import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from xo_sandbox.gladly.orgs import get_org, stable_seed

QA_HEADER = ["Evaluation ID", "Agent Email", "Agent Name", "Evaluated At (ET)", "Score (%)", "Evaluator", "Comments"]
_COMMENTS = [
    "Great empathy, resolved on first contact",
    'Used the "frame fit" macro correctly',
    "Missed verification step;\nfollow up with coaching",
    "Fast, accurate, friendly",
    "Tone could be warmer, but solution was correct",
]


def qa_scores_key(day: date) -> str:
    """Where the quality team drops the export of ``day`` (matches configs/warbyparker/s3_uploads.yaml)."""
    return f"uploads/warbyparker/qa_scores/qa_scores_{day:%Y%m%d}.csv"


def qa_scores_csv(day: date) -> bytes:
    """The day's export: 3 to 6 evaluations per agent on weekdays, none at weekends (a header-only file)."""
    rng = random.Random(stable_seed("qa_scores", day.isoformat()))
    org = get_org("warbyparker")
    zone = ZoneInfo("America/New_York")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(QA_HEADER)
    if day.weekday() < 5:
        for agent in org.agents:
            for n in range(rng.randint(3, 6)):
                at = datetime.combine(day, time(9), zone) + timedelta(minutes=rng.randint(0, 8 * 60))
                writer.writerow(
                    [
                        f"QA-{day:%Y%m%d}-{agent.id[:6]}-{n}",
                        agent.email,
                        agent.name,
                        at.strftime("%m/%d/%Y %H:%M"),
                        str(rng.randint(62, 100)),
                        "Quality Team, WBP",
                        rng.choice(_COMMENTS),
                    ]
                )
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")
