# Kazakh date formats (Django ships none): "23 қараша 2026 ж.", "қараша 2026 ж.".
# Kazakh writes month names in lower case inside a date, so dates use "E" (Django's
# "alt. month" names, lower case in locale/kk) and leave "F" to stand-alone month names
# (calendar headings, capitalised, as Django's own Kazakh catalogue has them).
DATE_FORMAT = "j E Y ж."
SHORT_DATE_FORMAT = "d.m.Y"
DATETIME_FORMAT = "j E Y ж. H:i"
SHORT_DATETIME_FORMAT = "d.m.Y H:i"
YEAR_MONTH_FORMAT = "E Y ж."
MONTH_DAY_FORMAT = "j E"
TIME_FORMAT = "H:i"
FIRST_DAY_OF_WEEK = 1
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\xa0"
# What officers type into a date field (lms.core.date_input): day, month, year.
DATE_INPUT_FORMATS = ["%d.%m.%Y", "%d.%m.%y"]
