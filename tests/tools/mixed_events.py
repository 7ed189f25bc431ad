#!/usr/bin/env python3
"""Writes a mixed HR event file for tests: every kind of event, people
with several events each (hire, updates, terminate, rehire, leave),
interleaved in a random but seeded order that keeps each person's own
events in order.

usage: mixed_events.py COUNT SEED [PREFIX:KIND...]
  PREFIX:KIND names the first event of the people whose employee id starts
  with PREFIX (e.g. L:update for people already hired by an earlier run,
  U:hire for people whose account exists on the target, unlinked). People
  N001... are new (first event a hire). Prints JSON lines on stdout.
"""
import json
import random
import sys

DEPTS = ["Engineering", "Quality", "Finance", "Compliance", "Sales"]
TITLES = ["Engineer", "Head of Platform", "Analyst", "Manager", "Clerk"]
TYPES = ["Employee", "Employee", "Employee", "Contractor"]


def attrs(rng, emp, first, last):
    return {
        "first_name": first,
        "last_name": last,
        "email": f"{first.lower()}.{last.lower()}@example.com",
        "department": rng.choice(DEPTS),
        "title": rng.choice(TITLES),
        "employment_type": rng.choice(TYPES),
    }


def person_events(rng, emp, first_kind):
    """One person's events, in order, as (kind, attributes) pairs."""
    first, last = "Given" + emp, "Family" + emp
    cur = attrs(rng, emp, first, last)
    out = [(first_kind, dict(cur))]
    active = True
    for _ in range(rng.randint(0, 5)):
        r = rng.random()
        if active and r < 0.45:
            if rng.random() < 0.3:
                nxt = dict(cur)  # the same record again: unchanged
            else:
                nxt = dict(cur)
                key = rng.choice(["department", "title", "employment_type"])
                nxt[key] = rng.choice(
                    {"department": DEPTS, "title": TITLES,
                     "employment_type": TYPES}[key])
            cur = nxt
            out.append(("update", dict(cur)))
        elif active and r < 0.7:
            out.append(("terminate", dict(cur)))
            active = False
        elif active and r < 0.8:
            out.append(("leave", dict(cur)))
        elif not active and r < 0.55:
            cur = attrs(rng, emp, first, last)
            out.append(("rehire", dict(cur)))
            active = True
        elif not active and r < 0.7:
            out.append(("update", dict(cur)))  # after a terminate
        else:
            out.append(("terminate" if not active else "update", dict(cur)))
    return out


def main():
    count, seed = int(sys.argv[1]), int(sys.argv[2])
    groups = [a.split(":", 1) for a in sys.argv[3:]]
    rng = random.Random(seed)
    people = {}
    for prefix, kind in groups:
        for i in range(1, 11):
            emp = f"{prefix}{i:03d}"
            people[emp] = person_events(rng, emp, kind)
    n = 1
    while sum(len(v) for v in people.values()) < count:
        emp = f"N{n:03d}"
        people[emp] = person_events(rng, emp, "hire")
        n += 1
    # trim the last person's tail to the exact count
    excess = sum(len(v) for v in people.values()) - count
    while excess > 0:
        emp = max(people, key=lambda e: (len(people[e]), e))
        people[emp].pop()
        excess -= 1
    queues = {e: list(v) for e, v in people.items() if v}
    seq = 0
    while queues:
        emp = rng.choice(sorted(queues))
        kind, a = queues[emp].pop(0)
        if not queues[emp]:
            del queues[emp]
        seq += 1
        print(json.dumps({"event": kind, "employee_id": emp,
                          "id": f"mix-{seed}-{seq:04d}",
                          "effective": "2026-01-05", "attributes": a},
                         separators=(",", ":")))


if __name__ == "__main__":
    main()
