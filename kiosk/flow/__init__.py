"""Journey state machines of the kiosk, in plain Python: events in, (new step, actions to run) out. The Qt
controllers run the actions (through Ops) and feed their results back as events; tests drive them directly."""
