"""Renderers: view-model + template → file bytes (DOCX, XLSX, PDF).

They know nothing about the 双培 domain; documents know nothing about formats.
"""
