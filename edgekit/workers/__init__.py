"""Engines in supervised worker processes (as Ollama runs a runner per model).

A native crash in llama.cpp, onnxruntime or CTranslate2 (SIGSEGV, abort, the kernel's OOM killer) ends only the
worker that ran it: the request it served gets `engine_crashed`, the next request starts a fresh worker, and the
server, its pages and every other model keep serving. See process.py (the server's end), main.py (the worker's),
crashes.py (back-off after repeated crashes) and chat.py (the chat engine's proxy).
"""
