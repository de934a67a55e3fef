"""Chat answers worked out away from the acknowledging process: the answer worker processes
(`workers`) and the preparer that works out every latest answer in the background (`preparer`).

May import bot/ itself (config, services) and the layers below, never a chat platform: the work
a worker runs for a platform (e.g. bot/slack/handover.py) is handed to it as a function.
"""
