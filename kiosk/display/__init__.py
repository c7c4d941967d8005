"""The hall display (叫号屏): views, the feed worker, the controller and the voice player.

Entry point: `kiosk.display_app:main` (`hall-display`). Qt-free parts live in `common.services.display`
(what is shown and said) and `common.services.voice_queue` (announcement queue, clips, `voice_health`).
"""
