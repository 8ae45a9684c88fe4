"""Word lists the generator draws from: topics, name-building parts and sentences.

Everything here is the project's own invented material, and none of it is a person's
name: people come from ``names.py`` (Faker's and the ``nicknames`` package's name data),
and companies, products, fictional works, blogs and events are built per seed in
``lexicon.py`` from the parts below, so that every seed's web has other names.
"""

from __future__ import annotations

HONORIFICS = ("Dr.", "Prof.", "Mr.", "Ms.", "Mrs.")

INDUSTRY_TOPICS: dict[str, list[str]] = {
    "fintech": [
        "real-time payments", "open banking", "embedded lending", "stablecoin settlement",
        "fraud detection", "card issuing", "credit underwriting", "cross-border remittances",
        "payment orchestration", "banking-as-a-service", "treasury automation",
        "buy now, pay later",
    ],
    "climate": [
        "grid-scale storage", "direct air capture", "heat pumps", "green hydrogen",
        "carbon markets", "transmission permitting", "virtual power plants",
        "low-carbon cement", "methane monitoring", "offshore wind", "climate risk disclosure",
        "battery recycling",
    ],
    "biotech": [
        "gene editing", "cell therapy", "protein design", "clinical trial recruitment",
        "mRNA manufacturing", "antibody discovery", "rare disease diagnostics",
        "lab automation", "single-cell sequencing", "drug repurposing", "biomanufacturing",
        "microbiome therapeutics",
    ],
    "devtools": [
        "build systems", "observability", "platform engineering", "code review",
        "continuous integration", "package management", "static analysis",
        "developer experience", "infrastructure as code", "language servers",
        "dependency security", "incident response",
    ],
}

ROLES = [
    "founder of {co}", "chief executive of {co}", "head of product at {co}",
    "chief scientist at {co}", "a partner at {co}", "an engineer at {co}",
    "director of research at {co}", "an adviser to {co}",
]

QUOTES = [
    "The hard part of {topic} was never the technology, it was the incentives",
    "Everyone wants {topic} until they see the integration bill",
    "We spent two years learning what not to build",
    "Nobody buys {topic}; they buy a problem going away",
    "The boring version of {topic} is the one that wins",
    "If you cannot explain the unit economics, you do not have a business",
    "Regulators are not the obstacle people think they are",
    "Most of the work is plumbing, and plumbing is underrated",
    "The next five years of {topic} will look nothing like the last five",
    "We measure everything, and we still get surprised",
    "Customers forgive slowness, they do not forgive surprises",
    "Open standards are the only way {topic} scales",
    "The pilots worked; the procurement did not",
    "I would rather be early and right than loud and wrong",
    "Talent is the bottleneck, not capital",
    "You cannot outsource understanding your own data",
]

CLAIMS = [
    "{topic} will be boring infrastructure within five years",
    "the winners in {topic} will be the teams that own distribution",
    "most {topic} projects fail on operations rather than on science",
    "prices for {topic} will keep falling faster than forecasts assume",
    "consolidation in {topic} is overdue",
    "the public data on {topic} understates how fast adoption is moving",
    "small teams can still beat incumbents in {topic}",
    "{topic} needs better shared benchmarks before it needs more funding",
]

FILLER = [
    "{Topic} has moved from pilot projects to production in under two years.",
    "The numbers are still small, but the direction is not in doubt.",
    "Investors have become more selective, and the easy money is gone.",
    "Several teams described the same problem in almost the same words.",
    "The gap between announcements and deployments remains wide.",
    "Standards bodies are moving slowly, as standards bodies do.",
    "None of this is settled, and the next quarter will tell us more.",
    "Costs fell again this year, though not evenly across regions.",
    "Much of the progress in {topic} has come from unglamorous tooling.",
    "A year ago this would have sounded like a fringe position.",
    "The market for {topic} is crowded at the bottom and thin at the top.",
    "Procurement cycles, not technology, set the pace of adoption.",
    "Early customers are asking for audits, not demos.",
    "The open-source side of {topic} is healthier than it has ever been.",
    "Talent moves between the big players and start-ups faster than before.",
    "There is no shortage of ambition, only of patience.",
    "What looked like a niche is turning into a category.",
    "The conversation has shifted from whether to how.",
]

ORG_SENTENCES = [
    "Analysts at {org} expect {topic} volumes to double by next year.",
    "A report from {org} put the market for {topic} at {n} billion dollars.",
    "{org} has been quietly hiring for {topic} teams.",
    "{org} declined to comment on its plans for {topic}.",
    "According to a note from {org}, adoption of {topic} is ahead of schedule.",
]

INTRO = [
    "{full}, {role}, has been arguing for {topic} longer than most.",
    "{full}, {role}, spent the last year working on {topic}.",
    "We spoke with {full}, {role}, about where {topic} goes next.",
    "{full}, who is {role}, sees it differently.",
    "Few people have thought about {topic} as carefully as {full}, {role}.",
]

MENTION = [
    "{full} made a similar point in a talk at {event}.",
    "Work by {full} on {topic} is widely cited.",
    "Several founders credited {full} with popularising the idea.",
    "{full} has written about this problem before.",
    "The approach owes a lot to {full}.",
]

QUOTE_FULL = [
    "\u201c{q},\u201d said {full}.",
    "\u201c{q},\u201d according to {full}.",
    "As {full} told the audience at {event}, \u201c{q}.\u201d",
    "{full} put it bluntly: \u201c{q}.\u201d",
]

QUOTE_SHORT = [
    "\u201c{q},\u201d {short} said.",
    "{short} put it bluntly: \u201c{q}.\u201d",
    "\u201c{q},\u201d {short} added.",
]

FOLLOW = [
    "{short} expects that {claim}.",
    "For {short}, the lesson is simple: {claim}.",
    "{short}'s team published its own numbers last month.",
    "{short} declined to name customers.",
    "{short} thinks {claim}.",
]

COMMENTS = [
    "Great write-up, thanks for putting this together.",
    "I am not convinced about {topic}, but this is a fair summary.",
    "We tried this at my last job and it went about as described.",
    "Would love a follow-up on costs.",
    "Bookmarking this for the team.",
    "The second section is the important one.",
]

TITLES = [
    "What {topic} got right this quarter",
    "The quiet progress of {topic}",
    "Notes on {topic}",
    "Why {topic} is harder than it looks",
    "{Topic}: a field guide",
    "Five questions about {topic}",
    "The state of {topic}",
    "Lessons from a year of {topic}",
    "Is {topic} overhyped?",
    "Inside the {topic} supply chain",
]

# -- parts that lexicon.py combines per seed into companies, blogs and events ----------

# Brand-name morphemes: "Ledger" + "line" -> "Ledgerline".
BRAND_HEADS: dict[str, list[str]] = {
    "fintech": ["Ledger", "Pay", "Clear", "Bright", "Tally", "Coin", "Fund", "Vault", "Mint",
                "Cash", "Credit", "Bank", "Settle", "Float", "Yield", "Margin"],
    "climate": ["Volt", "Carbon", "Grid", "Helio", "Terra", "Wind", "Solar", "Thermo",
                "Hydro", "Watt", "Ember", "Kilo", "Tide", "Aero", "Storm", "Verdi"],
    "biotech": ["Geno", "Helix", "Cell", "Prote", "Bio", "Assay", "Enzy", "Pept", "Myco",
                "Cyto", "Neuro", "Immuno", "Vira", "Plasmi", "Syna", "Onco"],
    "devtools": ["Build", "Stack", "Trace", "Lint", "Ship", "Code", "Merge", "Deploy",
                 "Patch", "Cache", "Query", "Log", "Fork", "Commit", "Byte", "Pipe"],
}
BRAND_TAILS = ["line", "stream", "vault", "works", "craft", "mesh", "nest", "wise", "forge",
               "well", "mill", "ora", "ium", "lumen", "bridge", "wave", "loop", "path",
               "grid", "field", "point", "ly", "io", "hub", "base", "yard"]

# Words blog and event names are made of, and the patterns that join them.
BLOG_WORDS: dict[str, list[str]] = {
    "fintech": ["Basis Points", "Settlement", "Ledger", "Float", "Rails", "Clearing House",
                "Interchange", "Open Books", "Margin", "Tender", "Escrow", "Coupon",
                "Treasury", "Remittance", "Card Rails", "Spread"],
    "climate": ["Gigaton", "Heat Pump", "Grid", "Carbon", "Kilowatt", "Net Zero", "Wind",
                "Permit", "Degrees", "Baseload", "Offset", "Peak Load", "Turbine",
                "Feed-in", "Flywheel", "Watershed"],
    "biotech": ["Bench", "Assay", "Helix", "Trial", "Pipette", "Protein", "Cell Line",
                "Wet Lab", "Translational", "Plate Reader", "Centrifuge", "Cohort",
                "Endpoint", "Reagent", "Sequencer", "Biopsy"],
    "devtools": ["Green Build", "Diff", "Yak Shave", "Blameless", "Merge Queue",
                 "Stack Trace", "Dotfiles", "Monorepo", "Flaky Test", "Hot Path",
                 "Lockfile", "Rebase", "Cold Start", "Runbook", "Pager", "Changelog"],
}
BLOG_PATTERNS = ["{W}", "The {W}", "{W} Notes", "{W} Weekly", "The {W} Letter",
                 "{W} Dispatch", "Notes on {W}", "{W} & {V}", "The {W} Post", "{W} Brief",
                 "Tiny {W}", "{W} Review"]
EVENT_PATTERNS = ["{H} Summit", "{H}Con", "the {H} Forum", "{H} Days", "{H} Week",
                  "the {H} Conference"]

ROLE_FIRM_PATTERNS = ["{A} {B}", "{A} & {B}", "{A} {B}"]

# Decoys: companies named after a founder, and products with a given name first.
EPONYM_SUFFIXES: dict[str, list[str]] = {
    "fintech": ["Capital", "& Partners", "Analytics", "Payments", "Advisory"],
    "climate": ["Energy", "& Partners", "Analytics", "Power", "Renewables"],
    "biotech": ["Bio", "Therapeutics", "Labs", "& Partners", "Pharma"],
    "devtools": ["Labs", "Systems", "& Partners", "Software", "Analytics"],
}
PRODUCT_WORDS: dict[str, list[str]] = {
    "fintech": ["Pay", "Ledger", "Wallet", "Card", "Books"],
    "climate": ["Grid", "Meter", "Charge", "Heat", "Power"],
    "biotech": ["Assay", "Seq", "Lab", "Fold", "Screen"],
    "devtools": ["CI", "Studio", "Deploy", "Lint", "Trace"],
}
PRODUCT_GENERIC = ["AI", "Assist", "Cloud", "Pro", "One"]

FICTION_KINDS = ["film", "novel", "TV series", "graphic novel"]
FICTION_TITLE_PATTERNS = ["The {A} {N}", "{N} of {P}", "The Last {N}", "{A} {N}",
                          "A {N} in {P}"]
FICTION_ADJ = ["Silent", "Glass", "Hollow", "Crimson", "Long", "Iron", "Quiet", "Northern",
               "Broken", "Golden", "Distant", "Paper", "Winter", "Borrowed"]
FICTION_NOUN = ["Harbour", "Orchard", "Engine", "Kingdom", "Archive", "Lantern", "Tide",
                "Cartographer", "Garden", "Signal", "Meridian", "Foundry", "Voyage",
                "Clockmaker"]
FICTION_PLACE = ["Ashford", "the Marsh", "Calder Bay", "the Northern Line", "Elmridge",
                 "the Salt Flats", "Port Avery", "the Quiet Valley"]

# Bylines that are not people, and the wire desk's byline.
ORG_BYLINE_POOL = ["Staff", "Newsroom", "Editorial Team", "News Desk", "Editors",
                   "Staff Writers", "The Editors"]
WIRE_BYLINE_POOL = ["Wire Desk", "Wire Service", "Agency Staff", "Wire Staff"]

# Page chrome that glues a UI word to a byline ("Meet Jane Doe", "Jane DoeFollow").
UI_PREFIXES = ["Meet", "About"]
UI_SUFFIXES = ["Follow", "Subscribe", "Share"]

PRODUCT_SENTENCES = [
    "{co} launched {prod} last month, aimed squarely at {topic}.",
    "Teams using {prod} reported fewer failures in {topic} work.",
    "{prod} now handles most of the {topic} workload at several customers.",
    "The latest release of {prod} adds better reporting for {topic}.",
    "Early reviews of {prod} have been mixed.",
    "{prod}'s pricing changed again this quarter.",
    "Several readers asked whether {prod} is worth switching to.",
]
EPONYM_SENTENCES = [
    "{firm} said it would expand its {topic} practice next year.",
    "{bare} said it would open a second office for {topic} work.",
    "{bare} declined to comment on its {topic} plans.",
    "A spokesperson for {bare} said the company expects demand for {topic} to grow.",
    "{bare}'s latest report on {topic} was widely shared.",
    "Analysts at {bare} expect {topic} to consolidate.",
    "{firm}, founded by {founder}, has grown quickly on the back of {topic}.",
    "{bare} announced a new {topic} service on Tuesday.",
]
FICTION_SENTENCES = [
    "It is a little like {char} in the {kind} {title}: everyone knows the ending but the "
    "plot still surprises.",
    "Fans of {title} will remember {char} insisting that the map is not the territory.",
    "As {char}, the hero of the {kind} {title}, discovers, the hard part is the last mile.",
    "Somebody on the team compared the launch to the final act of {title}.",
    "The whole episode felt borrowed from {title}, with {char} as the reluctant engineer.",
]

# -- German and French blogs -------------------------------------------------------------

DE_TOPICS: dict[str, list[str]] = {
    "fintech": ["Echtzeitzahlungen", "Open Banking", "Kreditvergabe", "Betrugserkennung",
                "Zahlungsverkehr", "Kryptoverwahrung"],
    "climate": ["Wärmepumpen", "Netzausbau", "Speichertechnik", "grünen Wasserstoff",
                "Windkraft auf See", "CO2-Preise"],
    "biotech": ["Gentherapie", "Zelltherapie", "Laborautomatisierung", "klinische Studien",
                "Wirkstoffforschung", "Proteindesign"],
    "devtools": ["Build-Systeme", "Observability", "Plattform-Teams", "Code-Reviews",
                 "Paketverwaltung", "statische Analyse"],
}
DE_FILLER = [
    "Die Debatte über {topic} hat in den letzten Monaten deutlich an Fahrt gewonnen.",
    "Auf die Art und Weise, wie Unternehmen mit {topic} umgehen, kommt es an.",
    "Der Umgang mit der Regulierung bleibt die größte Hürde für den Markt.",
    "Wenn Sie mit Anbietern sprechen, hören Sie oft dieselben Sorgen.",
    "Doch die Zahlen sprechen eine andere Sprache als die Pressemitteilungen.",
    "Die Kosten sind im vergangenen Jahr erneut gesunken, wenn auch nicht überall.",
    "Viele Mittelständler warten ab, bis die Standards feststehen.",
    "Die Nachfrage nach Fachkräften übersteigt das Angebot bei Weitem.",
    "Ob sich die Investitionen lohnen, zeigt erst die nächste Bilanz.",
    "In der Praxis entscheidet die Beschaffung, nicht die Technik, über das Tempo.",
]
DE_INTRO = [
    "{full}, die seit Jahren über {topic} forscht, sieht das anders.",
    "Wir haben mit {full} über die Zukunft von {topic} gesprochen.",
    "{full} beschäftigt sich seit Langem mit {topic}.",
]
DE_QUOTE = [
    "\u201eDie Technik ist nicht das Problem, sondern die Anreize\u201c, sagte {full}.",
    "\u201eWir haben zwei Jahre gebraucht, um zu verstehen, was wir nicht bauen sollten\u201c, "
    "sagt {full}.",
    "\u201eOhne offene Standards wird das nichts\u201c, erklärte {full} auf einer Tagung.",
]
DE_FOLLOW = [
    "{short} rechnet damit, dass sich der Markt bald konsolidiert.",
    "Für {short} ist die Lehre einfach: Geduld zahlt sich aus.",
    "{short} wollte keine Kunden nennen.",
]
DE_TITLES = ["Was {topic} in diesem Quartal gebracht hat", "Notizen zu {topic}",
             "Warum {topic} schwieriger ist als gedacht", "Der Stand der Dinge bei {topic}"]
DE_COMMENTS = ["Danke für den Überblick!", "Sehr hilfreicher Artikel.",
               "Wir haben ähnliche Erfahrungen gemacht."]
DE_BLOG_PATTERNS = ["{W}brief", "Das {W}-Journal", "{W} aktuell", "Der {W}-Blog"]
DE_BLOG_WORDS = ["Zins", "Netz", "Strom", "Labor", "Wende", "Markt", "Energie", "Daten"]
DE_UI = ["Zum Download", "Mehr erfahren", "Teilen", "Jetzt abonnieren"]

FR_TOPICS: dict[str, list[str]] = {
    "fintech": ["les paiements instantanés", "la banque ouverte", "la lutte contre la fraude"],
    "climate": ["les pompes à chaleur", "le stockage d'énergie", "l'éolien en mer"],
    "biotech": ["la thérapie génique", "les essais cliniques", "l'automatisation des laboratoires"],
    "devtools": ["l'intégration continue", "l'observabilité", "l'analyse statique"],
}
FR_FILLER = [
    "Le débat sur {topic} a pris de l'ampleur ces derniers mois.",
    "Les coûts ont encore baissé cette année, mais pas partout.",
    "La demande de spécialistes dépasse largement l'offre.",
    "Les chiffres racontent une autre histoire que les communiqués.",
    "Dans la pratique, ce sont les achats, et non la technique, qui fixent le rythme.",
]
FR_INTRO = ["{full}, qui travaille depuis des années sur {topic}, voit les choses autrement.",
            "Nous avons parlé avec {full} de l'avenir de {topic}."]
FR_QUOTE = ["\u00ab\u00a0Le problème n'est pas la technique, ce sont les incitations\u00a0\u00bb, "
            "a déclaré {full}.",
            "\u00ab\u00a0Sans normes ouvertes, cela ne marchera pas\u00a0\u00bb, estime {full}."]
FR_FOLLOW = ["{short} s'attend à une consolidation rapide du marché.",
             "Pour {short}, la leçon est simple : la patience paie."]
FR_TITLES = ["Ce que {topic} a apporté ce trimestre", "Notes sur {topic}",
             "Pourquoi {topic} est plus difficile qu'il n'y paraît"]
FR_COMMENTS = ["Merci pour cette synthèse.", "Article très utile."]
FR_BLOG_PATTERNS = ["La Lettre {W}", "Carnet {W}", "{W} Hebdo"]
FR_BLOG_WORDS = ["du Labo", "de la Paillasse", "des Cellules", "du Génome"]
FR_UI = ["En savoir plus", "Partager", "S'abonner"]
