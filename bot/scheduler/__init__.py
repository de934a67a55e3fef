"""The monthly schedules (`schedules`), the one scheduler of a store (`scheduler`), what it
catches up at start (`catch_up`), APScheduler's clock (`clock`) and the store's scheduler lock
(`lock`).

May import bot/ itself and the layers below; never a chat platform or delivery/: what a due run
does (deliver, notify) is handed in by bot/startup.py.
"""
