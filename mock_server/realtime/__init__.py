"""Supabase Realtime served by the mock: frames, the hub, the websocket and REST doors, the rows."""
