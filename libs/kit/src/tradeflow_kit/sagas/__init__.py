"""Sagas declared as data and run by the kit: see `definition` (the table of steps), `instance`
(one saga's persisted state and how it moves), `ports` (where it is stored), `scheduler`
(deadlines) and `http` (the ops routes every service exposes the same way)."""
