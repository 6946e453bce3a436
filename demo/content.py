"""Demo courses and a guideline, in English, Kazakh and Russian (used by ``seed_demo``).

Each text is a dict keyed by language code; English is the source tree, the others are
translations made with Wagtail's ``copy_for_translation``.
"""

from __future__ import annotations

T = dict[str, str]

CATALOGUE: dict[str, object] = {
    "slug": "learning",
    "title": {"en": "Courses", "kk": "Курстар", "ru": "Курсы"},
    "intro": {
        "en": "<p>Choose a course, learn at your own pace, and earn a certificate.</p>",
        "kk": "<p>Курсты таңдаңыз, өз қарқыныңызбен оқыңыз және сертификат алыңыз.</p>",
        "ru": "<p>Выберите курс, учитесь в своём темпе и получите сертификат.</p>",
    },
}

AREAS: list[dict[str, object]] = [
    {
        "programme_type": "vocational",
        "slug": "vocational-training",
        "title": {
            "en": "Vocational training",
            "kk": "Кәсіптік оқыту",
            "ru": "Профессиональное обучение",
        },
    },
    {
        "programme_type": "general_education",
        "slug": "general-education",
        "title": {"en": "General education", "kk": "Жалпы білім", "ru": "Общее образование"},
    },
    {
        "programme_type": "life_skills",
        "slug": "life-skills",
        "title": {"en": "Life skills", "kk": "Өмірлік дағдылар", "ru": "Жизненные навыки"},
    },
    {
        "programme_type": "faith_based",
        "slug": "faith-based-programmes",
        "title": {
            "en": "Faith-based programmes",
            "kk": "Діни бағдарламалар",
            "ru": "Религиозные программы",
        },
    },
    {
        "programme_type": "staff_training",
        "slug": "staff-training",
        "title": {
            "en": "Staff professional training",
            "kk": "Қызметкерлерді кәсіби даярлау",
            "ru": "Профессиональная подготовка сотрудников",
        },
    },
]

COURSES: list[dict[str, object]] = [
    {
        "slug": "computer-basics",
        "programme_type": "vocational",
        "complete_when_activities_passed": True,
        "audience": "prisoners",
        "estimated_hours": 6,
        "provider_name": "Pavlodar Higher College of Technology",
        "title": {
            "en": "Computer basics for work",
            "kk": "Жұмысқа арналған компьютер негіздері",
            "ru": "Основы работы с компьютером",
        },
        "summary": {
            "en": "Use a computer with confidence: the keyboard, files and a first letter.",
            "kk": "Компьютерді сенімді пайдаланыңыз: пернетақта, файлдар және алғашқы хат.",
            "ru": "Уверенно пользуйтесь компьютером: клавиатура, файлы и первое письмо.",
        },
        "lessons": [
            {
                "slug": "the-keyboard-and-mouse",
                "title": {
                    "en": "The keyboard and the mouse",
                    "kk": "Пернетақта және тінтуір",
                    "ru": "Клавиатура и мышь",
                },
                "body": {
                    "en": [
                        ("heading", "Your hands on the computer"),
                        (
                            "text",
                            "<p>The <b>keyboard</b> writes letters and numbers. The <b>mouse</b> moves the pointer on the screen. Click once to choose, twice to open.</p>",
                        ),
                        (
                            "callout",
                            {
                                "tone": "tip",
                                "title": "Try it",
                                "text": "<p>Press the Space key to make a gap between words.</p>",
                            },
                        ),
                    ],
                    "kk": [
                        ("heading", "Компьютердегі қолдарыңыз"),
                        (
                            "text",
                            "<p><b>Пернетақта</b> әріптер мен сандарды жазады. <b>Тінтуір</b> экрандағы меңзерді жылжытады. Таңдау үшін бір рет, ашу үшін екі рет басыңыз.</p>",
                        ),
                        (
                            "callout",
                            {
                                "tone": "tip",
                                "title": "Көріңіз",
                                "text": "<p>Сөздердің арасына бос орын қою үшін бос орын пернесін басыңыз.</p>",
                            },
                        ),
                    ],
                    "ru": [
                        ("heading", "Ваши руки за компьютером"),
                        (
                            "text",
                            "<p><b>Клавиатура</b> печатает буквы и цифры. <b>Мышь</b> двигает указатель на экране. Нажмите один раз, чтобы выбрать, два раза — чтобы открыть.</p>",
                        ),
                        (
                            "callout",
                            {
                                "tone": "tip",
                                "title": "Попробуйте",
                                "text": "<p>Нажмите пробел, чтобы сделать промежуток между словами.</p>",
                            },
                        ),
                    ],
                },
            },
            {
                "slug": "files-and-folders",
                "title": {
                    "en": "Files and folders",
                    "kk": "Файлдар мен қалталар",
                    "ru": "Файлы и папки",
                },
                "body": {
                    "en": [
                        (
                            "text",
                            "<p>A <b>file</b> holds your work: a letter, a photo, a table. A <b>folder</b> keeps files together, like a drawer.</p>",
                        ),
                        (
                            "callout",
                            {
                                "tone": "info",
                                "title": "Remember",
                                "text": "<p>Give every file a clear name, so that you can find it again.</p>",
                            },
                        ),
                    ],
                    "kk": [
                        (
                            "text",
                            "<p><b>Файл</b> сіздің жұмысыңызды сақтайды: хат, фотосурет, кесте. <b>Қалта</b> файлдарды жәшік сияқты бірге сақтайды.</p>",
                        ),
                        (
                            "callout",
                            {
                                "tone": "info",
                                "title": "Есте сақтаңыз",
                                "text": "<p>Кейін оңай табу үшін әр файлға түсінікті ат беріңіз.</p>",
                            },
                        ),
                    ],
                    "ru": [
                        (
                            "text",
                            "<p><b>Файл</b> хранит вашу работу: письмо, фотографию, таблицу. <b>Папка</b> держит файлы вместе, как ящик стола.</p>",
                        ),
                        (
                            "callout",
                            {
                                "tone": "info",
                                "title": "Запомните",
                                "text": "<p>Давайте каждому файлу понятное имя, чтобы потом легко его найти.</p>",
                            },
                        ),
                    ],
                },
            },
            {
                "slug": "writing-a-letter",
                "title": {"en": "Writing a letter", "kk": "Хат жазу", "ru": "Пишем письмо"},
                "body": {
                    "en": [
                        ("heading", "A job application letter"),
                        (
                            "text",
                            "<p>Start with a greeting. Say which job you want and why you can do it. End with thanks and your name.</p>",
                        ),
                        (
                            "callout",
                            {
                                "tone": "warning",
                                "title": "Check before you send",
                                "text": "<p>Read the letter once more and correct mistakes.</p>",
                            },
                        ),
                    ],
                    "kk": [
                        ("heading", "Жұмысқа өтініш хат"),
                        (
                            "text",
                            "<p>Сәлемдесуден бастаңыз. Қандай жұмыс қалайтыныңызды және оны неге істей алатыныңызды айтыңыз. Алғыс пен атыңызбен аяқтаңыз.</p>",
                        ),
                        (
                            "callout",
                            {
                                "tone": "warning",
                                "title": "Жібермес бұрын тексеріңіз",
                                "text": "<p>Хатты тағы бір рет оқып, қателерді түзетіңіз.</p>",
                            },
                        ),
                    ],
                    "ru": [
                        ("heading", "Письмо о приёме на работу"),
                        (
                            "text",
                            "<p>Начните с приветствия. Скажите, какую работу вы хотите и почему справитесь с ней. В конце поблагодарите и подпишитесь.</p>",
                        ),
                        (
                            "callout",
                            {
                                "tone": "warning",
                                "title": "Проверьте перед отправкой",
                                "text": "<p>Прочитайте письмо ещё раз и исправьте ошибки.</p>",
                            },
                        ),
                    ],
                },
            },
        ],
    },
    {
        "slug": "human-rights-in-daily-work",
        "programme_type": "staff_training",
        "audience": "staff",
        "estimated_hours": 4,
        "provider_name": "Training Centre of the Penitentiary Service",
        "title": {
            "en": "Human rights in daily prison work",
            "kk": "Күнделікті жұмыстағы адам құқықтары",
            "ru": "Права человека в повседневной работе",
        },
        "summary": {
            "en": "The standards every officer applies: dignity, lawful force, and complaints.",
            "kk": "Әр қызметкер қолданатын стандарттар: қадір-қасиет, заңды күш және шағымдар.",
            "ru": "Стандарты, которые применяет каждый сотрудник: достоинство, законная сила и жалобы.",
        },
        "lessons": [
            {
                "slug": "dignity-and-the-nelson-mandela-rules",
                "title": {
                    "en": "Dignity and the Nelson Mandela Rules",
                    "kk": "Қадір-қасиет және Нельсон Мандела ережелері",
                    "ru": "Достоинство и Правила Нельсона Манделы",
                },
                "body": {
                    "en": [
                        (
                            "text",
                            "<p>All prisoners are treated with the respect due to their inherent dignity as human beings (Rule 1). Torture and inhuman treatment are prohibited without exception.</p>",
                        )
                    ],
                    "kk": [
                        (
                            "text",
                            "<p>Барлық сотталғандарға адам ретіндегі қадір-қасиетіне лайық құрметпен қаралады (1-ереже). Азаптау мен адамгершілікке жатпайтын қарым-қатынасқа ешқандай жағдайда жол берілмейді.</p>",
                        )
                    ],
                    "ru": [
                        (
                            "text",
                            "<p>Со всеми заключёнными обращаются с уважением, подобающим их достоинству человеческой личности (Правило 1). Пытки и бесчеловечное обращение запрещены без исключений.</p>",
                        )
                    ],
                },
            },
            {
                "slug": "use-of-force",
                "title": {
                    "en": "Lawful use of force",
                    "kk": "Күшті заңды қолдану",
                    "ru": "Законное применение силы",
                },
                "body": {
                    "en": [
                        (
                            "text",
                            "<p>Force is a last resort: only when necessary, proportionate, and recorded. Every use of force is reported the same day.</p>",
                        )
                    ],
                    "kk": [
                        (
                            "text",
                            "<p>Күш — соңғы шара: тек қажет болғанда, мөлшерлес түрде және тіркеле отырып қолданылады. Күш қолданудың әр жағдайы сол күні баяндалады.</p>",
                        )
                    ],
                    "ru": [
                        (
                            "text",
                            "<p>Сила — крайняя мера: только когда необходимо, соразмерно и с записью. О каждом применении силы докладывают в тот же день.</p>",
                        )
                    ],
                },
            },
            {
                "slug": "complaints",
                "title": {
                    "en": "Handling complaints",
                    "kk": "Шағымдарды қарау",
                    "ru": "Работа с жалобами",
                },
                "body": {
                    "en": [
                        (
                            "text",
                            "<p>Every prisoner may complain safely and confidentially. Register the complaint, pass it on, and never punish the person who made it.</p>",
                        )
                    ],
                    "kk": [
                        (
                            "text",
                            "<p>Әр сотталған қауіпсіз және құпия түрде шағымдана алады. Шағымды тіркеңіз, жолдаңыз және оны берген адамды ешқашан жазаламаңыз.</p>",
                        )
                    ],
                    "ru": [
                        (
                            "text",
                            "<p>Каждый заключённый может жаловаться безопасно и конфиденциально. Зарегистрируйте жалобу, передайте её дальше и никогда не наказывайте того, кто её подал.</p>",
                        )
                    ],
                },
            },
        ],
    },
]

# A voluntary programme, so that the consent flow can be tried: general content about
# values, dialogue and living peacefully, with no claims about any religion's doctrine.
# It goes through the faith-based review (theological, then human-rights and legal) like
# any other, and issues no certificate: taking part in it is nobody else's business.
COURSES.append(
    {
        "slug": "values-and-dialogue",
        "programme_type": "faith_based",
        "audience": "prisoners",
        "estimated_hours": 1,
        "issues_certificate": False,
        "provider_name": {
            "en": "Theological Rehabilitation Service",
            "kk": "Теологиялық оңалту қызметі",
            "ru": "Служба теологической реабилитации",
        },
        "title": {
            "en": "Values, dialogue and a peaceful life",
            "kk": "Құндылықтар, сұхбат және бейбіт өмір",
            "ru": "Ценности, диалог и мирная жизнь",
        },
        "summary": {
            "en": "Two short talks about what matters to you, listening to others, and "
            "settling disagreements without violence. Taking part is your choice.",
            "kk": "Сіз үшін маңызды нәрселер, басқаларды тыңдау және келіспеушіліктерді "
            "зорлықсыз шешу туралы екі қысқа сабақ. Қатысу — өз таңдауыңыз.",
            "ru": "Два коротких занятия о том, что для вас важно, об умении слушать других "
            "и решать споры без насилия. Участвовать или нет — решаете вы.",
        },
        "lessons": [
            {
                "slug": "what-matters-to-me",
                "estimated_minutes": 30,
                "title": {
                    "en": "What matters to me",
                    "kk": "Мен үшін не маңызды",
                    "ru": "Что для меня важно",
                },
                "body": {
                    "en": [
                        (
                            "text",
                            "<p>Every person has <b>values</b>: things that matter to them, such as family, honesty, faith, work or friendship. Many faiths and traditions teach respect for life and care for others.</p>",
                        ),
                        (
                            "callout",
                            {
                                "tone": "tip",
                                "title": "Think about it",
                                "text": "<p>Name three things that matter most to you. What do you do each day that shows them?</p>",
                            },
                        ),
                    ],
                    "kk": [
                        (
                            "text",
                            "<p>Әр адамның <b>құндылықтары</b> бар: отбасы, адалдық, сенім, еңбек немесе достық сияқты өзі үшін маңызды нәрселер. Көптеген діндер мен дәстүрлер өмірді құрметтеуге және басқаларға қамқор болуға үйретеді.</p>",
                        ),
                        (
                            "callout",
                            {
                                "tone": "tip",
                                "title": "Ойланыңыз",
                                "text": "<p>Өзіңіз үшін ең маңызды үш нәрсені атаңыз. Соны көрсету үшін күн сайын не істейсіз?</p>",
                            },
                        ),
                    ],
                    "ru": [
                        (
                            "text",
                            "<p>У каждого человека есть <b>ценности</b>: то, что для него важно, например семья, честность, вера, работа или дружба. Многие религии и традиции учат уважать жизнь и заботиться о других.</p>",
                        ),
                        (
                            "callout",
                            {
                                "tone": "tip",
                                "title": "Подумайте",
                                "text": "<p>Назовите три вещи, которые для вас важнее всего. Что вы делаете каждый день, чтобы это было видно?</p>",
                            },
                        ),
                    ],
                },
            },
            {
                "slug": "listening-and-living-in-peace",
                "estimated_minutes": 30,
                "title": {
                    "en": "Listening and living in peace",
                    "kk": "Тыңдау және бейбіт өмір сүру",
                    "ru": "Умение слушать и жить в мире",
                },
                "body": {
                    "en": [
                        (
                            "text",
                            "<p>In a <b>dialogue</b> each person speaks and each person listens. You do not have to agree. You try to understand why the other person thinks as they do.</p><p>When you disagree: stay calm, speak about yourself (“I feel…”), and look for a way that is fair to both. Violence never settles a disagreement.</p>",
                        ),
                        (
                            "callout",
                            {
                                "tone": "info",
                                "title": "Remember",
                                "text": "<p>You can be firm in what you believe and still respect a person who believes something else.</p>",
                            },
                        ),
                    ],
                    "kk": [
                        (
                            "text",
                            "<p><b>Сұхбатта</b> әркім сөйлейді және әркім тыңдайды. Келісу міндетті емес. Сіз басқа адамның неге солай ойлайтынын түсінуге тырысасыз.</p><p>Келіспеген кезде: сабыр сақтаңыз, өзіңіз туралы айтыңыз («Мен ... сезінемін») және екеуіңізге де әділ жол іздеңіз. Зорлық ешқашан келіспеушілікті шешпейді.</p>",
                        ),
                        (
                            "callout",
                            {
                                "tone": "info",
                                "title": "Есте сақтаңыз",
                                "text": "<p>Өз сеніміңізде берік бола отырып, басқаша сенетін адамды құрметтей аласыз.</p>",
                            },
                        ),
                    ],
                    "ru": [
                        (
                            "text",
                            "<p>В <b>диалоге</b> каждый говорит и каждый слушает. Соглашаться не обязательно. Вы стараетесь понять, почему другой человек думает именно так.</p><p>Если вы не согласны: сохраняйте спокойствие, говорите о себе («Я чувствую…») и ищите решение, честное для обоих. Насилие никогда не решает спор.</p>",
                        ),
                        (
                            "callout",
                            {
                                "tone": "info",
                                "title": "Запомните",
                                "text": "<p>Можно твёрдо держаться своих убеждений и при этом уважать того, кто верит иначе.</p>",
                            },
                        ),
                    ],
                },
            },
        ],
    }
)

GUIDELINE_INDEX: dict[str, object] = {
    "slug": "guidelines",
    "title": {"en": "Guidelines", "kk": "Әдістемелік нұсқаулар", "ru": "Методические рекомендации"},
}

GUIDELINE: dict[str, object] = {
    "slug": "dynamic-security",
    "version": "1.0",
    "department": {
        "en": "Department of Security and Regime",
        "kk": "Қауіпсіздік және режим департаменті",
        "ru": "Департамент безопасности и режима",
    },
    "title": {
        "en": "Dynamic security in living units",
        "kk": "Тұрғын бөлімшелердегі динамикалық қауіпсіздік",
        "ru": "Динамическая безопасность в жилых блоках",
    },
    "summary": {
        "en": "How officers build safety through daily contact, fair routines and early warning.",
        "kk": "Қызметкерлер күнделікті байланыс, әділ тәртіп және ерте ескерту арқылы қауіпсіздікті қалай құрады.",
        "ru": "Как сотрудники обеспечивают безопасность через ежедневный контакт, справедливый распорядок и раннее предупреждение.",
    },
    "body": {
        "en": "<h2>Purpose</h2><p>Good relations between staff and prisoners are the strongest security measure. This guideline sets out daily practice for officers in living units.</p><h2>Practice</h2><ul><li>Be present in the unit, not only at the door.</li><li>Explain decisions and apply rules the same way to everyone.</li><li>Record concerns early and pass them to the duty manager.</li></ul>",
        "kk": "<h2>Мақсаты</h2><p>Қызметкерлер мен сотталғандар арасындағы жақсы қарым-қатынас — ең күшті қауіпсіздік шарасы. Бұл нұсқау тұрғын бөлімшелердегі қызметкерлердің күнделікті тәжірибесін белгілейді.</p><h2>Тәжірибе</h2><ul><li>Тек есік алдында емес, бөлімшенің ішінде болыңыз.</li><li>Шешімдерді түсіндіріп, ережелерді бәріне бірдей қолданыңыз.</li><li>Алаңдаушылықты ерте тіркеп, кезекші басшыға жеткізіңіз.</li></ul>",
        "ru": "<h2>Цель</h2><p>Хорошие отношения между сотрудниками и заключёнными — самая сильная мера безопасности. Эти рекомендации описывают ежедневную практику сотрудников в жилых блоках.</p><h2>Практика</h2><ul><li>Находитесь в блоке, а не только у двери.</li><li>Объясняйте решения и применяйте правила одинаково ко всем.</li><li>Рано фиксируйте опасения и передавайте их дежурному руководителю.</li></ul>",
    },
}


# Media and activities, added after each lesson's text above. Media values name files in
# demo/media/ (seed_demo uploads them once as images and documents).
def _quiz(title: str, q1: str, a1: tuple, q2: str, a2: tuple, q3: str, feedback: str) -> tuple:
    return (
        "quiz",
        {
            "title": title,
            "pass_mark": 60,
            "required": True,
            "questions": [
                {
                    "kind": "single",
                    "prompt": q1,
                    "answers": [
                        {"text": a1[0], "correct": True, "feedback": ""},
                        {"text": a1[1], "correct": False, "feedback": feedback},
                    ],
                    "statement_is_true": False,
                    "explanation": "",
                },
                {
                    "kind": "multiple",
                    "prompt": q2,
                    "answers": [
                        {"text": a2[0], "correct": True, "feedback": ""},
                        {"text": a2[1], "correct": True, "feedback": ""},
                        {"text": a2[2], "correct": False, "feedback": ""},
                    ],
                    "statement_is_true": False,
                    "explanation": "",
                },
                {
                    "kind": "true_false",
                    "prompt": q3,
                    "answers": [],
                    "statement_is_true": True,
                    "explanation": "",
                },
            ],
        },
    )


VIDEO = {
    "video": "keyboard-demo.webm",
    "captions": "keyboard-demo.kk.vtt",
    "captions_language": "kk",
    "poster": "keyboard-poster.png",
}
KK_TRANSCRIPT = "<p>Файл сіздің жұмысыңызды сақтайды: хат, фотосурет, кесте. Қалта файлдарды жәшік сияқты бірге сақтайды.</p>"

EXTRA_BLOCKS: dict[str, dict[str, list[tuple]]] = {
    "the-keyboard-and-mouse": {
        "en": [
            (
                "image",
                {
                    "image": "keyboard.png",
                    "alt_text": "A keyboard: three rows of letter keys and the long space bar below them.",
                    "caption": "The letter keys and the space bar",
                },
            ),
            ("video", {"title": "Watch: the keyboard", **VIDEO}),
            (
                "glossary_term",
                {
                    "term": "Cursor",
                    "definition": "The blinking line that shows where the next letter will appear.",
                },
            ),
        ],
        "kk": [
            (
                "image",
                {
                    "image": "keyboard.png",
                    "alt_text": "Пернетақта: әріп пернелерінің үш қатары және олардың астындағы ұзын бос орын пернесі.",
                    "caption": "Әріп пернелері және бос орын пернесі",
                },
            ),
            ("video", {"title": "Қараңыз: пернетақта", **VIDEO}),
            (
                "glossary_term",
                {
                    "term": "Курсор",
                    "definition": "Келесі әріп қай жерде пайда болатынын көрсететін жыпылықтайтын сызық.",
                },
            ),
        ],
        "ru": [
            (
                "image",
                {
                    "image": "keyboard.png",
                    "alt_text": "Клавиатура: три ряда клавиш с буквами и длинный пробел под ними.",
                    "caption": "Клавиши с буквами и пробел",
                },
            ),
            ("video", {"title": "Смотрите: клавиатура", **VIDEO}),
            (
                "glossary_term",
                {
                    "term": "Курсор",
                    "definition": "Мигающая черта, которая показывает, где появится следующая буква.",
                },
            ),
        ],
    },
    "files-and-folders": {
        "en": [
            (
                "audio",
                {
                    "title": "Listen to this lesson (in Kazakh)",
                    "audio": "files-and-folders-kk.mp3",
                    "transcript": KK_TRANSCRIPT,
                },
            ),
            (
                "document",
                {
                    "document": "shortcuts.pdf",
                    "description": "Keep this sheet next to the computer.",
                },
            ),
        ],
        "kk": [
            (
                "audio",
                {
                    "title": "Сабақты тыңдаңыз",
                    "audio": "files-and-folders-kk.mp3",
                    "transcript": KK_TRANSCRIPT,
                },
            ),
            (
                "document",
                {
                    "document": "shortcuts.pdf",
                    "description": "Бұл парақты компьютердің жанында ұстаңыз.",
                },
            ),
        ],
        "ru": [
            (
                "audio",
                {
                    "title": "Послушайте урок (на казахском)",
                    "audio": "files-and-folders-kk.mp3",
                    "transcript": KK_TRANSCRIPT,
                },
            ),
            (
                "document",
                {
                    "document": "shortcuts.pdf",
                    "description": "Держите этот лист рядом с компьютером.",
                },
            ),
        ],
    },
    "writing-a-letter": {
        "en": [
            _quiz(
                "Check yourself",
                "How do you start a letter?",
                ("With a greeting", "With your name"),
                "What belongs in a job letter?",
                ("The job you want", "Why you can do it", "Your favourite food"),
                "You should read the letter again before sending it.",
                "Your name goes at the end.",
            )
        ],
        "kk": [
            _quiz(
                "Өзіңізді тексеріңіз",
                "Хатты қалай бастайсыз?",
                ("Сәлемдесуден", "Атыңыздан"),
                "Жұмысқа өтініш хатта не болуы керек?",
                ("Қалаған жұмысыңыз", "Оны неге істей алатыныңыз", "Сүйікті тағамыңыз"),
                "Жібермес бұрын хатты қайта оқу керек.",
                "Атыңыз соңында жазылады.",
            )
        ],
        "ru": [
            _quiz(
                "Проверьте себя",
                "С чего начать письмо?",
                ("С приветствия", "С вашего имени"),
                "Что должно быть в письме о работе?",
                ("Работа, которую вы хотите", "Почему вы справитесь", "Ваша любимая еда"),
                "Перед отправкой письмо нужно перечитать.",
                "Имя пишут в конце.",
            )
        ],
    },
}
