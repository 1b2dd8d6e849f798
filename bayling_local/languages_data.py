"""The FLORES-200 language table: one row per code of the FLORES-200 dev set (205 codes, N'Ko included).

Row: (FLORES code, English name, native name / autonym, ISO 639-1 code or None).
The ISO 639-3 code and the ISO 15924 script are the two halves of the FLORES code, so they are not repeated.
English names follow the FLORES-200 README. An ISO 639-1 code is given to an individual language when it is
the usual reading of that two-letter code (e.g. `pes` for "fa", `zsm` for "ms"); the other members of a
macrolanguage get None and are reached by their own ISO 639-3 code.
"""

from __future__ import annotations

LanguageRow = tuple[str, str, str, str | None]

LANGUAGE_ROWS: tuple[LanguageRow, ...] = (
    ("ace_Arab", "Acehnese (Arabic script)", "بهسا اچيه", None),
    ("ace_Latn", "Acehnese (Latin script)", "Bahsa Acèh", None),
    ("acm_Arab", "Mesopotamian Arabic", "العربية العراقية", None),
    ("acq_Arab", "Ta'izzi-Adeni Arabic", "العربية التعزية العدنية", None),
    ("aeb_Arab", "Tunisian Arabic", "تونسي", None),
    ("afr_Latn", "Afrikaans", "Afrikaans", "af"),
    ("ajp_Arab", "South Levantine Arabic", "العربية الشامية الجنوبية", None),
    ("aka_Latn", "Akan", "Akan", "ak"),
    ("als_Latn", "Tosk Albanian", "Shqip", "sq"),
    ("amh_Ethi", "Amharic", "አማርኛ", "am"),
    ("apc_Arab", "North Levantine Arabic", "العربية الشامية الشمالية", None),
    ("arb_Arab", "Modern Standard Arabic", "العربية", "ar"),
    ("arb_Latn", "Modern Standard Arabic (Romanized)", "al-ʿArabiyya", None),
    ("ars_Arab", "Najdi Arabic", "العربية النجدية", None),
    ("ary_Arab", "Moroccan Arabic", "الدارجة المغربية", None),
    ("arz_Arab", "Egyptian Arabic", "مصري", None),
    ("asm_Beng", "Assamese", "অসমীয়া", "as"),
    ("ast_Latn", "Asturian", "Asturianu", None),
    ("awa_Deva", "Awadhi", "अवधी", None),
    ("ayr_Latn", "Central Aymara", "Aymar aru", "ay"),
    ("azb_Arab", "South Azerbaijani", "تۆرکجه", None),
    ("azj_Latn", "North Azerbaijani", "Azərbaycan dili", "az"),
    ("bak_Cyrl", "Bashkir", "Башҡорт теле", "ba"),
    ("bam_Latn", "Bambara", "Bamanankan", "bm"),
    ("ban_Latn", "Balinese", "Basa Bali", None),
    ("bel_Cyrl", "Belarusian", "Беларуская", "be"),
    ("bem_Latn", "Bemba", "Ichibemba", None),
    ("ben_Beng", "Bengali", "বাংলা", "bn"),
    ("bho_Deva", "Bhojpuri", "भोजपुरी", None),
    ("bjn_Arab", "Banjar (Arabic script)", "بهاس بنجر", None),
    ("bjn_Latn", "Banjar (Latin script)", "Bahasa Banjar", None),
    ("bod_Tibt", "Standard Tibetan", "བོད་སྐད་", "bo"),
    ("bos_Latn", "Bosnian", "Bosanski", "bs"),
    ("bug_Latn", "Buginese", "Basa Ugi", None),
    ("bul_Cyrl", "Bulgarian", "Български", "bg"),
    ("cat_Latn", "Catalan", "Català", "ca"),
    ("ceb_Latn", "Cebuano", "Sinugboanon", None),
    ("ces_Latn", "Czech", "Čeština", "cs"),
    ("cjk_Latn", "Chokwe", "Chokwe", None),
    ("ckb_Arab", "Central Kurdish", "کوردیی ناوەندی", None),
    ("crh_Latn", "Crimean Tatar", "Qırımtatarca", None),
    ("cym_Latn", "Welsh", "Cymraeg", "cy"),
    ("dan_Latn", "Danish", "Dansk", "da"),
    ("deu_Latn", "German", "Deutsch", "de"),
    ("dik_Latn", "Southwestern Dinka", "Thuɔŋjäŋ", None),
    ("dyu_Latn", "Dyula", "Julakan", None),
    ("dzo_Tibt", "Dzongkha", "རྫོང་ཁ", "dz"),
    ("ell_Grek", "Greek", "Ελληνικά", "el"),
    ("eng_Latn", "English", "English", "en"),
    ("epo_Latn", "Esperanto", "Esperanto", "eo"),
    ("est_Latn", "Estonian", "Eesti", "et"),
    ("eus_Latn", "Basque", "Euskara", "eu"),
    ("ewe_Latn", "Ewe", "Eʋegbe", "ee"),
    ("fao_Latn", "Faroese", "Føroyskt", "fo"),
    ("fij_Latn", "Fijian", "Na Vosa Vakaviti", "fj"),
    ("fin_Latn", "Finnish", "Suomi", "fi"),
    ("fon_Latn", "Fon", "Fɔngbè", None),
    ("fra_Latn", "French", "Français", "fr"),
    ("fur_Latn", "Friulian", "Furlan", None),
    ("fuv_Latn", "Nigerian Fulfulde", "Fulfulde", "ff"),
    ("gaz_Latn", "West Central Oromo", "Afaan Oromoo", "om"),
    ("gla_Latn", "Scottish Gaelic", "Gàidhlig", "gd"),
    ("gle_Latn", "Irish", "Gaeilge", "ga"),
    ("glg_Latn", "Galician", "Galego", "gl"),
    ("grn_Latn", "Guarani", "Avañe'ẽ", "gn"),
    ("guj_Gujr", "Gujarati", "ગુજરાતી", "gu"),
    ("hat_Latn", "Haitian Creole", "Kreyòl ayisyen", "ht"),
    ("hau_Latn", "Hausa", "Hausa", "ha"),
    ("heb_Hebr", "Hebrew", "עברית", "he"),
    ("hin_Deva", "Hindi", "हिन्दी", "hi"),
    ("hne_Deva", "Chhattisgarhi", "छत्तीसगढ़ी", None),
    ("hrv_Latn", "Croatian", "Hrvatski", "hr"),
    ("hun_Latn", "Hungarian", "Magyar", "hu"),
    ("hye_Armn", "Armenian", "Հայերեն", "hy"),
    ("ibo_Latn", "Igbo", "Asụsụ Igbo", "ig"),
    ("ilo_Latn", "Ilocano", "Ilokano", None),
    ("ind_Latn", "Indonesian", "Bahasa Indonesia", "id"),
    ("isl_Latn", "Icelandic", "Íslenska", "is"),
    ("ita_Latn", "Italian", "Italiano", "it"),
    ("jav_Latn", "Javanese", "Basa Jawa", "jv"),
    ("jpn_Jpan", "Japanese", "日本語", "ja"),
    ("kab_Latn", "Kabyle", "Taqbaylit", None),
    ("kac_Latn", "Jingpho", "Jinghpaw", None),
    ("kam_Latn", "Kamba", "Kikamba", None),
    ("kan_Knda", "Kannada", "ಕನ್ನಡ", "kn"),
    ("kas_Arab", "Kashmiri (Arabic script)", "کٲشُر", "ks"),
    ("kas_Deva", "Kashmiri (Devanagari script)", "कॉशुर", "ks"),
    ("kat_Geor", "Georgian", "ქართული", "ka"),
    ("kaz_Cyrl", "Kazakh", "Қазақ тілі", "kk"),
    ("kbp_Latn", "Kabiyè", "Kabɩyɛ", None),
    ("kea_Latn", "Kabuverdianu", "Kabuverdianu", None),
    ("khk_Cyrl", "Halh Mongolian", "Монгол хэл", "mn"),
    ("khm_Khmr", "Khmer", "ភាសាខ្មែរ", "km"),
    ("kik_Latn", "Kikuyu", "Gĩkũyũ", "ki"),
    ("kin_Latn", "Kinyarwanda", "Ikinyarwanda", "rw"),
    ("kir_Cyrl", "Kyrgyz", "Кыргызча", "ky"),
    ("kmb_Latn", "Kimbundu", "Kimbundu", None),
    ("kmr_Latn", "Northern Kurdish", "Kurmancî", "ku"),
    ("knc_Arab", "Central Kanuri (Arabic script)", "كانوري", "kr"),
    ("knc_Latn", "Central Kanuri (Latin script)", "Kanuri", "kr"),
    ("kon_Latn", "Kikongo", "Kikongo", "kg"),
    ("kor_Hang", "Korean", "한국어", "ko"),
    ("lao_Laoo", "Lao", "ພາສາລາວ", "lo"),
    ("lij_Latn", "Ligurian", "Lìgure", None),
    ("lim_Latn", "Limburgish", "Limburgs", "li"),
    ("lin_Latn", "Lingala", "Lingála", "ln"),
    ("lit_Latn", "Lithuanian", "Lietuvių", "lt"),
    ("lmo_Latn", "Lombard", "Lombard", None),
    ("ltg_Latn", "Latgalian", "Latgaļu", None),
    ("ltz_Latn", "Luxembourgish", "Lëtzebuergesch", "lb"),
    ("lua_Latn", "Luba-Kasai", "Tshiluba", None),
    ("lug_Latn", "Ganda", "Luganda", "lg"),
    ("luo_Latn", "Luo", "Dholuo", None),
    ("lus_Latn", "Mizo", "Mizo ṭawng", None),
    ("lvs_Latn", "Standard Latvian", "Latviešu", "lv"),
    ("mag_Deva", "Magahi", "मगही", None),
    ("mai_Deva", "Maithili", "मैथिली", None),
    ("mal_Mlym", "Malayalam", "മലയാളം", "ml"),
    ("mar_Deva", "Marathi", "मराठी", "mr"),
    ("min_Arab", "Minangkabau (Arabic script)", "باسو مينڠكاباو", None),
    ("min_Latn", "Minangkabau (Latin script)", "Baso Minangkabau", None),
    ("mkd_Cyrl", "Macedonian", "Македонски", "mk"),
    ("mlt_Latn", "Maltese", "Malti", "mt"),
    ("mni_Beng", "Meitei (Bengali script)", "মৈতৈলোন্", None),
    ("mos_Latn", "Mossi", "Mooré", None),
    ("mri_Latn", "Maori", "Te reo Māori", "mi"),
    ("mya_Mymr", "Burmese", "မြန်မာဘာသာ", "my"),
    ("nld_Latn", "Dutch", "Nederlands", "nl"),
    ("nno_Latn", "Norwegian Nynorsk", "Norsk nynorsk", "nn"),
    ("nob_Latn", "Norwegian Bokmål", "Norsk bokmål", "nb"),
    ("npi_Deva", "Nepali", "नेपाली", "ne"),
    ("nqo_Nkoo", "N'Ko", "ߒߞߏ", None),
    ("nso_Latn", "Northern Sotho", "Sesotho sa Leboa", None),
    ("nus_Latn", "Nuer", "Thok Naath", None),
    ("nya_Latn", "Nyanja", "Chichewa", "ny"),
    ("oci_Latn", "Occitan", "Occitan", "oc"),
    ("ory_Orya", "Odia", "ଓଡ଼ିଆ", "or"),
    ("pag_Latn", "Pangasinan", "Pangasinan", None),
    ("pan_Guru", "Eastern Panjabi", "ਪੰਜਾਬੀ", "pa"),
    ("pap_Latn", "Papiamento", "Papiamentu", None),
    ("pbt_Arab", "Southern Pashto", "پښتو", "ps"),
    ("pes_Arab", "Western Persian", "فارسی", "fa"),
    ("plt_Latn", "Plateau Malagasy", "Malagasy", "mg"),
    ("pol_Latn", "Polish", "Polski", "pl"),
    ("por_Latn", "Portuguese", "Português", "pt"),
    ("prs_Arab", "Dari", "دری", None),
    ("quy_Latn", "Ayacucho Quechua", "Runasimi", "qu"),
    ("ron_Latn", "Romanian", "Română", "ro"),
    ("run_Latn", "Rundi", "Ikirundi", "rn"),
    ("rus_Cyrl", "Russian", "Русский", "ru"),
    ("sag_Latn", "Sango", "Sängö", "sg"),
    ("san_Deva", "Sanskrit", "संस्कृतम्", "sa"),
    ("sat_Olck", "Santali", "ᱥᱟᱱᱛᱟᱲᱤ", None),
    ("scn_Latn", "Sicilian", "Sicilianu", None),
    ("shn_Mymr", "Shan", "ၵႂၢမ်းတႆး", None),
    ("sin_Sinh", "Sinhala", "සිංහල", "si"),
    ("slk_Latn", "Slovak", "Slovenčina", "sk"),
    ("slv_Latn", "Slovenian", "Slovenščina", "sl"),
    ("smo_Latn", "Samoan", "Gagana Sāmoa", "sm"),
    ("sna_Latn", "Shona", "ChiShona", "sn"),
    ("snd_Arab", "Sindhi", "سنڌي", "sd"),
    ("som_Latn", "Somali", "Soomaali", "so"),
    ("sot_Latn", "Southern Sotho", "Sesotho", "st"),
    ("spa_Latn", "Spanish", "Español", "es"),
    ("srd_Latn", "Sardinian", "Sardu", "sc"),
    ("srp_Cyrl", "Serbian", "Српски", "sr"),
    ("ssw_Latn", "Swati", "SiSwati", "ss"),
    ("sun_Latn", "Sundanese", "Basa Sunda", "su"),
    ("swe_Latn", "Swedish", "Svenska", "sv"),
    ("swh_Latn", "Swahili", "Kiswahili", "sw"),
    ("szl_Latn", "Silesian", "Ślōnski", None),
    ("tam_Taml", "Tamil", "தமிழ்", "ta"),
    ("taq_Latn", "Tamasheq (Latin script)", "Tamajaq", None),
    ("taq_Tfng", "Tamasheq (Tifinagh script)", "Tamajaq", None),
    ("tat_Cyrl", "Tatar", "Татар теле", "tt"),
    ("tel_Telu", "Telugu", "తెలుగు", "te"),
    ("tgk_Cyrl", "Tajik", "Тоҷикӣ", "tg"),
    ("tgl_Latn", "Tagalog", "Tagalog", "tl"),
    ("tha_Thai", "Thai", "ภาษาไทย", "th"),
    ("tir_Ethi", "Tigrinya", "ትግርኛ", "ti"),
    ("tpi_Latn", "Tok Pisin", "Tok Pisin", None),
    ("tsn_Latn", "Tswana", "Setswana", "tn"),
    ("tso_Latn", "Tsonga", "Xitsonga", "ts"),
    ("tuk_Latn", "Turkmen", "Türkmençe", "tk"),
    ("tum_Latn", "Tumbuka", "Chitumbuka", None),
    ("tur_Latn", "Turkish", "Türkçe", "tr"),
    ("twi_Latn", "Twi", "Twi", "tw"),
    ("tzm_Tfng", "Central Atlas Tamazight", "ⵜⴰⵎⴰⵣⵉⵖⵜ", None),
    ("uig_Arab", "Uyghur", "ئۇيغۇرچە", "ug"),
    ("ukr_Cyrl", "Ukrainian", "Українська", "uk"),
    ("umb_Latn", "Umbundu", "Umbundu", None),
    ("urd_Arab", "Urdu", "اردو", "ur"),
    ("uzn_Latn", "Northern Uzbek", "Oʻzbekcha", "uz"),
    ("vec_Latn", "Venetian", "Vèneto", None),
    ("vie_Latn", "Vietnamese", "Tiếng Việt", "vi"),
    ("war_Latn", "Waray", "Winaray", None),
    ("wol_Latn", "Wolof", "Wolof", "wo"),
    ("xho_Latn", "Xhosa", "isiXhosa", "xh"),
    ("ydd_Hebr", "Eastern Yiddish", "ייִדיש", "yi"),
    ("yor_Latn", "Yoruba", "Yorùbá", "yo"),
    ("yue_Hant", "Yue Chinese", "粵語", None),
    ("zho_Hans", "Chinese (Simplified)", "简体中文", "zh"),
    ("zho_Hant", "Chinese (Traditional)", "繁體中文", "zh"),
    ("zsm_Latn", "Standard Malay", "Bahasa Melayu", "ms"),
    ("zul_Latn", "Zulu", "isiZulu", "zu"),
)

# ISO 15924 script code -> English script name, for display and for the "(X script)" labels.
SCRIPT_NAMES: dict[str, str] = {
    "Arab": "Arabic",
    "Armn": "Armenian",
    "Beng": "Bengali",
    "Cyrl": "Cyrillic",
    "Deva": "Devanagari",
    "Ethi": "Ethiopic",
    "Geor": "Georgian",
    "Grek": "Greek",
    "Gujr": "Gujarati",
    "Guru": "Gurmukhi",
    "Hang": "Hangul",
    "Hani": "Han",
    "Hans": "Simplified Han",
    "Hant": "Traditional Han",
    "Hebr": "Hebrew",
    "Jpan": "Japanese",
    "Kana": "Japanese",
    "Khmr": "Khmer",
    "Knda": "Kannada",
    "Laoo": "Lao",
    "Latn": "Latin",
    "Mlym": "Malayalam",
    "Mymr": "Myanmar",
    "Nkoo": "N'Ko",
    "Olck": "Ol Chiki",
    "Orya": "Odia",
    "Sinh": "Sinhala",
    "Taml": "Tamil",
    "Telu": "Telugu",
    "Tfng": "Tifinagh",
    "Thai": "Thai",
    "Tibt": "Tibetan",
}

# Frequent function words of Latin-script languages, for `detect.py` (space-separated, casefolded).
# Written from general knowledge of each language (not extracted from a corpus); a few were added or
# dropped after checking confusions on FLORES dev sentences, which the tests also use.
LATIN_STOPWORD_TEXT: dict[str, str] = {
    "eng_Latn": (
        "the of and to in is that for it as was with be by on not he this are or his from at which but"
        " have an they you were her she there been one all we their has would when if so will more can who"
        " what its also after into than other some them only these two may about over such me my your our"
        " am do does did"
    ),
    "fra_Latn": (
        "le la les de des du un une et est en que qui dans pour pas sur au aux par il elle ils ne se sont"
        " ce cette avec plus son sa ses leur été être ont mais ou comme nous vous d l qu n était aussi"
        " très où lui je tu on mon ma mes ton votre notre suis avez avoir bien tout peut fait"
    ),
    "deu_Latn": (
        "der die das und ist nicht ein eine zu den von mit sich des auf für im dem sie es auch als an er"
        " wird werden hat sind wie bei aus nach noch war wurde einen einer eines oder aber nur vor zum zur"
        " durch über können kann man dass diese dieser haben ich du wir ihr mich mir dich dir mein bin"
        " bist gut hier heute"
    ),
    "spa_Latn": (
        "el la los las de del y en que un una es por con para se no su sus al lo como más pero fue ha son"
        " este esta entre también sobre ya muy le hay desde porque cuando han sin ser era todo según"
        " después hasta donde aunque mientras había sido está están otros puede hacia yo tú mi me te nos"
        " usted estoy tengo quiero bien aquí hoy eso esto"
    ),
    "por_Latn": (
        "o a os as de do da dos das e em no na nos nas um uma que é para com não se por mais como foi ao"
        " à seu sua pelo pela também são mas ou ele ela já está entre quando muito tem ser após até onde"
        " embora enquanto havia sido estão outros pode seus suas eu você meu minha me te nós estou tenho"
        " quero bem aqui hoje isso isto"
    ),
    "ita_Latn": (
        "il lo la i gli le di del della dei delle e è un una che in per con non si da al alla nel nella"
        " sono come più anche ma ha stato essere questo questa dal sul suo sua tra fra degli ad loro io"
        " noi voi ho hai mio mia bene qui oggi vorrei"
    ),
    "nld_Latn": (
        "de het een en van in is dat op te zijn niet met voor aan er als ook door maar om bij worden werd"
        " wordt was hij zij ze dan of naar uit tot nog meer deze dit kan heeft hebben wel al ik jij je wij"
        " we mij me mijn ben heb hier vandaag graag"
    ),
    "pol_Latn": (
        "i w na z się nie do jest to że o jak od po za a ale przez dla jego jej są był była było tak co"
        " oraz tym które który która być może ze także czy już tylko jako bardzo"
    ),
    "ces_Latn": (
        "a v se na je že s z o do to ve i k jako by byl byla bylo jsou není ale nebo který která které"
        " jeho její pro po od za také tak jen při již už být může ze"
    ),
    "slk_Latn": (
        "a v sa na je že s z o do to vo i k ako by bol bola bolo sú nie ale alebo ktorý ktorá ktoré jeho"
        " jej pre po od za aj tak len pri už byť môže zo"
    ),
    "swe_Latn": (
        "och i att det som en på är av för med till den har de inte om ett var men sig kan också han hon"
        " vid från så efter eller när hade man ska alla detta under"
    ),
    "dan_Latn": (
        "og i at det som en på er af for med til den har de ikke om et var men sig kan også han hun ved"
        " fra så efter eller når havde man skal alle dette under der jeg vil gerne mig dig hvad hvor"
    ),
    "nob_Latn": (
        "og i å det som en på er av for med til den har de ikke om et var men seg kan også han hun ved"
        " fra så etter eller når hadde man skal alle dette under der jeg vil gjerne meg deg hva hvor"
    ),
    "nno_Latn": (
        "og i å det som ein eit på er av for med til den har dei ikkje om var men seg kan også han ho ved"
        " frå så etter eller når hadde skal alle dette under der eg kva berre vart"
    ),
    "fin_Latn": (
        "ja on ei se että oli ovat hän mutta tai kun niin myös joka jotka kuin ole vain sen sitä tämä"
        " nämä siitä hänen he voi olla mukaan jo kanssa sekä jälkeen minä sinä haluan"
    ),
    "est_Latn": (
        "ja on ei et see oli nad ta kui aga või ka mis kes mida selle seda ole oma tema nende kõik nii"
        " veel pärast ning siis üle kuid"
    ),
    "hun_Latn": (
        "a az és hogy nem is egy van volt meg de ez már csak mint el azt ki be még vagy sem lesz lett"
        " pedig kell aki ami után között szerint nagyon minden én szeretnék szeretném"
    ),
    "tur_Latn": (
        "ve bir bu da de için ile gibi olarak daha çok en o ne kadar sonra ancak ya değil olan olduğu var"
        " ki her ama veya şu tarafından kendi yılında arasında"
    ),
    "vie_Latn": (
        "và của là có các một những được cho trong không với người để đã này khi từ đến đó như cũng về"
        " theo tại sẽ ra nhiều vào năm"
    ),
    "ind_Latn": (
        "yang dan di ini itu dengan untuk dari dalam tidak akan pada ke adalah oleh juga sebagai karena"
        " atau ada mereka telah bisa saat tersebut lebih dapat seperti orang bahwa sudah setelah"
        " pemerintah namun"
    ),
    "zsm_Latn": (
        "yang dan di ini itu dengan untuk dari dalam tidak akan pada ke adalah oleh juga sebagai kerana"
        " atau ada mereka telah boleh ketika tersebut lebih dapat seperti orang bahawa sudah selepas"
        " kerajaan ialah iaitu daripada semasa"
    ),
    "ron_Latn": (
        "și în de la a cu pe că un o este care nu să din se mai ca pentru sunt au fost acest această sau"
        " dar fi al ale lui prin după între foarte"
    ),
    "cat_Latn": (
        "el la els les de del i en que un una és per amb no es va al com més però són ha seu seva aquest"
        " aquesta també des entre sobre hi ho ja molt"
    ),
    "glg_Latn": (
        "o a os as de do da dos das e en no na nos nas un unha que é para con non se por máis como foi ao"
        " á seu súa polo pola tamén son pero ou el ela xa está entre cando moi ten ser despois ata onde"
        " aínda mentres había sido están outros pode seus súas"
    ),
    "hrv_Latn": (
        "i u je se na da su za od a ne koji koja koje kao to s sa što ili iz ali bio bila bilo će po o te"
        " jer samo još nakon"
    ),
    "slv_Latn": (
        "in je v na se da so za z ki pa ne s od po tudi kot bil bila bilo ali to še ter do iz lahko bo"
        " sem pri"
    ),
    "lit_Latn": (
        "ir yra kad su į iš o bet tai jis ji buvo kaip ne per dėl apie taip pat nuo jo jos bei arba tik"
        " jau kai"
    ),
    "lvs_Latn": (
        "un ir ka ar no uz par bet tas tā kā arī viņš viņa bija nav lai pēc vai to jau tikai ko kas līdz savu"
    ),
    "isl_Latn": (
        "og í að á er sem um við til en það ekki var með af fyrir hann hún þau eru voru hafa hefur þessi"
        " eftir frá einnig"
    ),
    "afr_Latn": (
        "die en van is in het nie om te dat op vir met n sy hy wat word was kan ook as aan deur by maar"
        " na nog hulle baie ons moet sal gesê daar toe kon volgens egter"
    ),
    "tgl_Latn": (
        "ang ng sa mga na at ay si ni kay para hindi may ito siya kanilang nang noong pa lamang rin din"
    ),
    "swh_Latn": (
        "na ya wa kwa katika ni za la kuwa cha hiyo hii ambayo pia lakini au kama watu alisema zaidi baada"
    ),
    "eus_Latn": "eta da ez du zen dira bat bere ere izan dute egin baina edo hori hau dago zuen beste",
    "cym_Latn": "y yr a i o yn ar ei mae bod ac wedi am gan fel ond hefyd oedd eu hyn ni gyda",
    "gle_Latn": "an na agus ar a i is ag le go ó bhí sé sí tá ní mar ach do den leis seo sin",
    "mlt_Latn": "il l u ta fil li ma għal minn jew huwa hija kien kienet dan din bħala wara fuq bejn ukoll",
    "azj_Latn": "və bir bu da də üçün ilə kimi olaraq daha çox ən o ki isə sonra lakin olan deyil var hər",
    "epo_Latn": "la kaj de en estas al kiu ke por ne ĉe kun sed pri ankaŭ estis li ŝi ili",
    "ceb_Latn": "ang sa mga nga og ug kay si ni niadtong usa kini adunay dili mao gikan iyang siya apan",
    "gla_Latn": "an na agus air a gu bha tha e ann aig le sin seo mar ach bho ri do cho",
    "fao_Latn": (
        "og í at er á sum til við ikki hann hon tað eru var hava eftir frá ein eitt sær men um so tey"
    ),
    "oci_Latn": (
        "e la lo los las de del dels en que es un una per amb pas son sa qu d l se mai coma èra foguèt"
        " aquò aqueste tanben"
    ),
    "hat_Latn": (
        "li yo nan ak pou ki se pa te sou gen ke a la yon lè sa ou mwen nou tou avèk kòm men pi anpil"
    ),
    "sot_Latn": "le ho ka ya ba a e ke tse wa ha hore ena ona sa hape mme",
    "tsn_Latn": "le go ka ya ba a e ke tse wa mme gore fa jaaka gape one sa",
}

# Letters and letter groups typical of a Latin-script language (space-separated): weaker evidence than a
# function word, and shared hints count less; they separate close languages and content-word-only text.
LATIN_HINTS: dict[str, str] = {
    "eng_Latn": "th wh ght ing ould ey ow aw",
    "fra_Latn": "é è ê ç à eau aux oi ou ique ée eux",
    "deu_Latn": "ß ä ö ü sch ung ich cht ei ie tz",
    "spa_Latn": "ñ ción ¿ ¡ ía dad mente ll",
    "por_Latn": "ã õ ç ção ções lh nh ão",
    "ita_Latn": "zione gli cch zz tt ò ì ù ggi cci",
    "nld_Latn": "ij aa oo ee uu sch cht oe ui",
    "pol_Latn": "ł ą ę ś ź ż ć ń cz sz rz",
    "ces_Latn": "ř ů ě č š ž ý",
    "slk_Latn": "ĺ ľ ŕ ô ä č š ž ý",
    "swe_Latn": "å ä ö sj",
    "dan_Latn": "å æ ø",
    "nob_Latn": "å æ ø",
    "nno_Latn": "å æ ø",
    "fin_Latn": "ä ö aa ää yy ii kk ssa ssä sta stä llä ksi",
    "est_Latn": "õ ä ö ü",
    "hun_Latn": "ő ű sz gy ny cs zs ly",
    "tur_Latn": "ğ ı ş ç ö ü",
    "azj_Latn": "ə ğ ı ş ç ö ü",
    "vie_Latn": (
        "ơ ư đ ạ ả ấ ầ ẩ ẫ ậ ắ ằ ẳ ẵ ặ ẹ ẻ ẽ ế ề ể ễ ệ ỉ ị ọ ỏ ố ồ ổ ỗ ộ ớ ờ ở ỡ ợ ụ ủ ứ ừ ử ữ ự ỳ ỵ ỷ ỹ"
    ),
    "ron_Latn": "ă ț ș ş ţ â î",
    "cat_Latn": "ŀ ny ç ció tz ix",
    "glg_Latn": "ñ ción x nh",
    "hrv_Latn": "č ć đ š ž ije",
    "slv_Latn": "č š ž",
    "lit_Latn": "ė ų ū į č š ž",
    "lvs_Latn": "ā ē ī ū ķ ļ ņ ģ č š ž",
    "isl_Latn": "ð þ æ á é í ó ú ý",
    "fao_Latn": "ð ø á í ó ú ý",
    "mlt_Latn": "ġ ħ ż għ",
    "cym_Latn": "ŵ ŷ dd ll ch wy",
    "gle_Latn": "bh mh dh ch á é í ó ú",
    "gla_Latn": "bh mh dh ch à è ì ò ù",
    "epo_Latn": "ĉ ĝ ĥ ĵ ŝ ŭ",
    "afr_Latn": "ie ê ë",
    "swh_Latn": "ny mw kw",
    "tgl_Latn": "ng",
    "ceb_Latn": "ng",
    "hat_Latn": "ò è ou",
    "oci_Latn": "ò è lh nh",
    "eus_Latn": "tz tx ak ek",
}

# Frequent Chinese characters as (simplified, traditional) pairs whose two forms differ; neither form is
# used in the other writing system's ordinary text.
_HAN_PAIRS = (
    "这這们們个個来來时時为為说說国國会會对對过過发發学學么麼样樣经經还還没沒进進动動现現长長开開问問关關点點与與"
    "书書门門东東车車见見边邊区區电電话話机機业業气氣头頭实實应應体體无無种種从從两兩间間总總让讓将將数數产產报報"
    "层層处處条條传傳华華际際变變统統线線务務队隊万萬约約级級标標题題组組结結给給网網张張虽雖济濟图圖历歷认認识識"
    "记記语語员員医醫疗療药藥达達运運选選举舉办辦亚亞欧歐岛島热熱风風乐樂飞飛马馬鸟鳥鱼魚龙龍众眾军軍战戰争爭权權"
    "领領导導议議设設计計术術论論质質轮輪铁鐵钱錢银銀闻聞观觀较較类類规規则則"
)
_SIMPLIFIED = _HAN_PAIRS[0::2]
_TRADITIONAL = _HAN_PAIRS[1::2]

# Scripts shared by several FLORES languages, for `detect.py`. Letters and words come from general
# knowledge of the orthographies; the Tibetan/Dzongkha words and the Tifinagh and Kashmiri letters were
# confirmed against character counts of FLORES dev sentences. Rows: (FLORES code, letters typical of it,
# letters it never writes, frequent words), casefolded; the first row is the script's default language.
# A row's letters count for it, its missing letters count three times against it, a word counts twice.
# Where one alphabet contains another (Kyrgyz in Kazakh), the smaller comes first and wins ties.
SCRIPT_VARIETIES: dict[str, tuple[tuple[str, str, str, str], ...]] = {
    "Hani": (
        ("zho_Hans", _SIMPLIFIED, "", ""),
        ("zho_Hant", _TRADITIONAL, "", ""),
        # Cantonese also writes traditional characters, so it wins only with Cantonese-only words.
        ("yue_Hant", _TRADITIONAL + "嘅咗佢喺啲唔冇嗰哋嚟睇乜嘢俾畀", "", ""),
    ),
    "Deva": (
        ("hin_Deva", "", "ळ", "है हैं और के में की से को था थे थी कि पर भी नहीं लिए यह वह गया"),
        ("mar_Deva", "ळ", "", "आहे आहेत आणि होते होता होती मध्ये म्हणून केले त्यांनी हा ही हे या व पण"),
        ("npi_Deva", "", "", "छ छन् र मा ले थियो हो पनि गर्न भएको छैन गरेको थिए यो त्यो भने हुन्छ लागि तथा"),
    ),
    "Beng": (
        ("ben_Beng", "টছ়য", "ৰৱ", "এবং করে হয় থেকে এই না"),
        ("asm_Beng", "ৰৱ", "", "আৰু কৰে হয় পৰা এই"),
        ("mni_Beng", "ংৌৎ", "ছ়", "অমসুং মসি ওইবা"),
    ),
    "Ethi": (
        ("amh_Ethi", "ች", "ኣሓ", "ነው እና ውስጥ ላይ"),
        ("tir_Ethi", "ኣሓቐቑቒቓቔቕቖ", "", "እዩ ኣብ ናይ ምስ"),
    ),
    "Hebr": (
        ("heb_Hebr", "תח", "ײװױ", "של את על הוא היא עם כי לא זה גם אשר היה בין או כל"),
        ("ydd_Hebr", "ײװױ", "", "און די דער דאס פון איז אין מיט אויף ער זיך האט נישט ווי צו אז זענען געווען"),
    ),
    "Mymr": (
        ("mya_Mymr", "", "ၵၶၸၺႁႂႃႄႅႆႇႈႉႊ", ""),
        ("shn_Mymr", "ၵၶၸၺႁႂႃႄႅႆႇႈႉႊ", "", ""),
    ),
    "Tibt": (
        ("bod_Tibt", "", "", "ནས ཞིག རེད ཡིན བྱེད བྱས"),
        ("dzo_Tibt", "༌", "", "ལུ ཨིན ཚུ ཡོདཔ འབད སྦེ"),
    ),
    "Tfng": (
        ("tzm_Tfng", "ⴳⴽⵖ", "ⴾⵗⴶⵂⵈ", ""),
        ("taq_Tfng", "ⴾⵗⴶⵂⵈⴴⵆ", "ⴳⴽⵖ", ""),
    ),
}

# Cyrillic alphabets as (code, letters beyond Russian, Russian letters not used, frequent words); the
# detector derives "letters never written" from them. On a tie the earlier row wins, so the smaller
# alphabet comes first (Mongolian before Kyrgyz before Kazakh).
CYRILLIC_ALPHABETS: tuple[tuple[str, str, str, str], ...] = (
    (
        "rus_Cyrl",
        "",
        "",
        "что это был была были также который которые которая после его для когда где если же уже чтобы всё",
    ),
    (
        "ukr_Cyrl",
        "іїєґ",
        "ыэъё",
        "що це та був була були також який які після його коли якщо вже як він вона вони від ще й",
    ),
    ("bel_Cyrl", "іў", "ищъ", "што гэта быў была былі таксама які якія пасля яго для калі дзе"),
    (
        "bul_Cyrl",
        "ъѝ",
        "ыэё",
        "е са във със това беше бяха ще който която които според като след се си ги го му"
        " им ли през когато където тези тази този има няма бил била били съм сме сте",
    ),
    ("srp_Cyrl", "ђјљњћџ", "йщъыьэюяё", "је у су био била били који које шта након између када али из или"),
    (
        "mkd_Cyrl",
        "ѓѕјљњќџѐ",
        "йщъыьэюяё",
        "е во со беше биле кој кои ова овој тоа таа тие ги го му исто затоа сега што",
    ),
    ("khk_Cyrl", "өү", "", "нь бол байна байсан гэж юм нэг энэ тэр мөн болон байгаа ба бөгөөд болно"),
    (
        "kir_Cyrl",
        "ңөү",
        "",
        "жана менен бул деп үчүн анын болуп деген тарабынан болгон болот эле алар дагы же",
    ),
    ("tat_Cyrl", "әөүҗңһ", "", "һәм белән иде өчен булып ул дип буенча"),
    ("bak_Cyrl", "ғҙҡңҫһәөү", "", "һәм менән ине өсөн булып ул тип"),
    ("kaz_Cyrl", "әғқңөұүһі", "", "және мен бұл деп үшін оның болып бір еді бойынша"),
    ("tgk_Cyrl", "ғӣқӯҳҷ", "цы", "ва дар ба аз бо ки он мебошад буд"),
)
CYRILLIC_BASIC = "абвгдежзийклмнопрстуфхцчшщъыьэюяё"

# Arabic-script languages told apart by letters only they write, checked in this order (the first with
# enough of its letters wins); Persian versus Arabic is decided afterwards by ک/ی against ك/ي.
ARABIC_MARKERS: tuple[tuple[str, str, int], ...] = (
    ("kas_Arab", "ٲٳۄؠ\u0655\u065a\u065b", 1),
    ("pbt_Arab", "ټډړږښځڅۍ", 1),
    ("snd_Arab", "ڪڳڱٻڀٽٺڦڄڃڇڏڍڌڊ", 2),
    ("uig_Arab", "ۈۋۇ", 2),
    ("ckb_Arab", "ڕڵێە", 2),
    ("urd_Arab", "ےٹڈڑں", 2),
)
