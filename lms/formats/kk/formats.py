# Kazakh date formats (Django ships none): "23 қараша 2026 ж."
DATE_FORMAT = "j F Y ж."
SHORT_DATE_FORMAT = "d.m.Y"
DATETIME_FORMAT = "j F Y ж. H:i"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
TIME_FORMAT = "H:i"
FIRST_DAY_OF_WEEK = 1
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"
