"""到厅取号 from a phone: the one rule (server-side; a phone only reports where it is) that a remote ticket is
issued only to a phone within the hall's radius. The ticket itself then goes through the same issuing rules
as a dispenser's (shared.queue.issuance) and the server's one issuing path."""

from __future__ import annotations

import math

from shared.queue.errors import IssueRefused
from shared.queue.rules import RemoteRules

EARTH_RADIUS_M = 6_371_000


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def check_near(rules: RemoteRules, latitude: float, longitude: float, accuracy_m: float) -> float:
    """The distance to the hall, or IssueRefused: no location configured, a position too vague to tell, or
    too far. A fix whose uncertainty exceeds the radius cannot show the phone is inside it."""
    if not rules.enabled:
        raise IssueRefused("remote_not_offered", "this hall has no location set for remote tickets")
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180) or not 0 <= accuracy_m < 1e7:
        raise IssueRefused("remote_position_invalid", "the position is not a valid WGS-84 fix")
    if accuracy_m > rules.radius_m:
        raise IssueRefused("remote_position_inaccurate", f"accuracy {accuracy_m:.0f} m exceeds the radius",
                           accuracy_m=round(accuracy_m), radius_m=rules.radius_m)
    distance = distance_m(latitude, longitude, rules.latitude, rules.longitude)
    if distance > rules.radius_m:
        raise IssueRefused("remote_too_far", f"{distance:.0f} m from the hall, more than {rules.radius_m} m",
                           distance_m=round(distance), radius_m=rules.radius_m)
    return distance
