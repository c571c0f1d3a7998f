"""The privacy notice's version: the date of its current text (templates
``main/privacy_zh.html`` and ``main/privacy_en.html``). A new date asks every user
to read and accept it again."""

NOTICE_VERSION = "2026-11-27"
