"""Exports officials file: the problem ledger (问题台账, xlsx, streamed) and a village's rectification notice
(整改通知书, docx)."""
