"""The queue engine's domain core (叫号): pure, deterministic and typed — no Qt, SQLAlchemy or HTTP.

Modules, by job:
    clock          IssueTime (HLC stamp), aware-datetime helpers
    config, rules  validated configuration value objects
    tickets        Ticket, classes, channels, states, periods
    lifecycle      the ticket state machine (call, recall, serve, hold, transfer, no-show, cancel)
    issuance       取号 checks, quota remaining, issuing
    appointments   预约 slots, booking checks, check-in matching
    fairness       the priority : normal ratio
    calling        choose_next and its explanation (Decision)
    desk           window actions: pause/resume, call next/specific, call back
    estimates      people ahead, estimated wait, near-call reminders
    claims         resolving offline double calls
    ratings        好差评 and rectification deadlines
    timing         waiting and service times from periods
    statistics     per day / business / window / clerk figures
    messages       Chinese texts for the error codes
Time is always passed in as a timezone-aware datetime; nothing reads the system clock.
"""
