"""Word lists the generator draws from: invented people, blogs, topics and sentences.

Everything here is the project's own invented material. Names are common given names
and surnames combined at random so that spaCy sees realistic PERSON spans; the
organisations deliberately look like people ("Eli Lilly", "Hartley Mercer") because
that is the mistake a ranking of people must not make.
"""

from __future__ import annotations

FIRST_NAMES = [
    "Aisha", "Alejandro", "Amir", "Ana", "Andrea", "Anil", "Anna", "Arjun", "Astrid",
    "Beatriz", "Ben", "Bianca", "Camila", "Carlos", "Carmen", "Chidi", "Chloe", "Connor",
    "Daniel", "Daria", "Deepa", "Diego", "Elena", "Elif", "Emeka", "Emily", "Erik",
    "Esther", "Fatima", "Felix", "Fiona", "Gabriel", "Grace", "Hana", "Hannah", "Hugo",
    "Ian", "Ines", "Irene", "Isaac", "Ivan", "Jacob", "Jamal", "James", "Jasmine",
    "Javier", "Jonas", "Julia", "Kai", "Karin", "Keiko", "Kofi", "Laila", "Laura",
    "Leah", "Leon", "Liam", "Lina", "Lucia", "Marco", "Mariam", "Mark", "Marta",
    "Mateo", "Maya", "Mei", "Michael", "Mina", "Nadia", "Naomi", "Nathan", "Nia",
    "Nikhil", "Nina", "Noah", "Olga", "Omar", "Oscar", "Paul", "Pedro", "Priya",
    "Rachel", "Rafael", "Rahul", "Rebecca", "Rosa", "Ruth", "Samir", "Sara", "Sean",
    "Simone", "Sofia", "Stefan", "Tanvi", "Teresa", "Thomas", "Tobias", "Uma", "Victor",
    "Vikram", "Wei", "Yara", "Yusuf", "Zara",
]

SURNAMES = [
    # Added with the larger decoy cast; each screened with the small model (PERSON found in
    # "…", said <First> <Surname> for four first names).
    "Harrington", "Sato", "Gallo", "Petrova", "Quinlan", "Hughes", "Whitfield", "Marchetti",
    "Oyelaran", "Pearce", "Rosenthal", "Wainwright", "Zielinski", "Mendoza", "Kaplan",
    "Lundqvist", "Sandberg", "Thornton", "Jensen", "Moreno",
    "Abernathy", "Adeyemi", "Aguilar", "Alvarez", "Andersen", "Arora", "Bachmann",
    "Banerjee", "Barros", "Becker", "Bergstrom", "Bianchi", "Blackwood", "Bose",
    "Brennan", "Caldwell", "Castillo", "Chandra", "Choudhury", "Cohen", "Costa",
    "Dalton", "Das", "Delgado", "Desai", "Dimitrov", "Donovan", "Duarte", "Eriksen",
    "Esposito", "Farah", "Ferreira", "Fischer", "Fitzgerald", "Fonseca", "Foster",
    "Friedman", "Fujita", "Gallagher", "Garrido", "Ghosh", "Gillespie", "Goldberg",
    "Gonzaga", "Greco", "Gupta", "Haddad", "Halvorsen", "Hansen", "Hayashi", "Hendricks",
    "Horvath", "Hussain", "Ibrahim", "Iyer", "Jablonski", "Jovanovic", "Kapoor",
    "Karlsson", "Kaur", "Keller", "Kowalski", "Krishnan", "Kruger", "Lambert", "Larsen",
    "Lehmann", "Levin", "Lindgren", "Lopes", "Lund", "Madsen", "Mahmoud", "Malik",
    "Marino", "Mbeki", "McAllister", "Mehta", "Mendes", "Mensah", "Meyer", "Molina",
    "Moretti", "Murphy", "Nakamura", "Navarro", "Nielsen", "Novak", "Nwosu", "Oduya",
    "Olsen", "Ortega", "Osei", "Pacheco", "Patel", "Pereira", "Petrov", "Pham", "Quinn",
    "Rahman", "Ramos", "Rao", "Reyes", "Ricci", "Rivera", "Romero", "Rossi", "Sadeghi",
    "Salazar", "Santos", "Schneider", "Sharma", "Silva", "Sokolov", "Suzuki", "Takahashi",
    "Tanaka", "Thakur", "Torres", "Tran", "Varga", "Verma", "Vogel", "Wagner", "Walsh",
    "Weber", "Wojcik", "Yamamoto", "Yilmaz", "Zhou", "Ziegler", "Zimmermann", "Achebe",
    "Bauer", "Carvalho", "Dubois", "Engel", "Falk", "Grant", "Holt", "Ivanova",
    "Kimura", "Lachance", "Morales", "Nair", "Obi", "Park", "Qureshi", "Richter",
    "Sandoval", "Thorne", "Ueda", "Vance", "Whitaker", "Xu", "Yoon", "Zapata",
    "Acosta", "Baptiste", "Chowdhury", "Daley", "Eastman", "Ferrante", "Galloway",
    "Hakimi", "Ingram", "Jaramillo", "Kozlov", "Lawson", "Mancini", "Nakashima",
    "Okonkwo", "Pellegrini", "Quintero", "Rasmussen", "Sorensen", "Tiwari", "Urban",
    "Valdez", "Wexler", "Yates", "Zeller", "Amadi", "Cardenas", "Dunmore",
    "Eklund", "Fontaine", "Guerrero", "Hollis", "Iqbal", "Joshi", "Kessler", "Lindsay",
    "Maddox", "Nowak", "Ochoa", "Prescott", "Riaz", "Stavros", "Tembo", "Upton", "Vidal",
    "Winslow", "Yildiz", "Zubiri", "Asante", "Bertrand",
]

# Names the small English NER model often misses or tags ORG in our sentence templates
# (screened once over every template). Used only for staff bylines, never in prose, so
# that a planted voice is hard to rank for the reasons we chose, not by NER accident.
NER_SHY = frozenset({
    "Emeka", "Beatriz", "Alejandro", "Elif", "Ana", "Bianca", "Nadia", "Tanvi", "Camila",
    "Jamal", "Leah", "Marta", "Teresa", "Ines", "Laila", "Karin",
    "Holt", "Obi", "Rivera", "Urban", "Kozlov", "Richter", "Valdez", "Eklund", "Meyer",
    "Ricci", "Hendricks", "Bauer", "Bianchi", "Mbeki", "Yildiz", "Garrido", "Nakashima",
    "Pellegrini", "Ingram", "Choudhury", "Fontaine", "Park", "Salazar", "Costa", "Ueda",
    "Iqbal", "Yates", "Fujita", "Fonseca", "Friedman", "Malik", "Varga", "McAllister",
    "Molina", "Castillo", "Julia", "Uma", "Arjun", "Hugo", "Vikram", "Carmen",
})

# Hand-made people carrying the hard cases: (canonical, industry, kind, variants).
# The first variant is the canonical display name; every variant is written somewhere.
SPECIAL_PEOPLE: list[tuple[str, tuple[str, ...], str, tuple[str, ...]]] = [
    ("Maria Chen", ("fintech",), "top", ("Maria Chen",)),
    ("David Chen", ("fintech",), "mid", ("David Chen",)),
    ("Sarah Vasquez", ("fintech",), "top",
     ("Sarah Vasquez", "Dr. Sarah R. Vasquez", "Sarah R. Vasquez")),
    ("José Müller", ("climate",), "top", ("José Müller", "Jose Muller")),
    ("Renée Lefèvre", ("climate",), "top", ("Renée Lefèvre", "Renee Lefevre")),
    ("Grace Okafor", ("biotech",), "top", ("Grace Okafor", "Dr. Grace N. Okafor")),
    ("William Hargrove", ("biotech",), "top", ("William Hargrove", "Bill Hargrove")),
    ("Søren Holm", ("biotech",), "top", ("Søren Holm", "Soren Holm")),
    ("Robert Kim", ("devtools",), "top",
     ("Robert Kim", "Bob Kim", "Robert \u201cBob\u201d Kim")),
    ("Katherine Lindqvist", ("devtools",), "top",
     ("Katherine Lindqvist", "Kate Lindqvist")),
    ("Thomas Moreau", ("devtools",), "top", ("Thomas Moreau",)),
    ("Claire Moreau", ("biotech",), "mid", ("Claire Moreau",)),
    # Voices of two industries: climate finance, and software for the lab.
    ("Ingrid Solberg", ("fintech", "climate"), "top", ("Ingrid Solberg",)),
    ("Tariq Anwar", ("biotech", "devtools"), "top", ("Tariq Anwar", "Dr. Tariq Anwar")),
]

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

# Company names that read as brands, used in people's job titles.
INDUSTRY_COMPANIES: dict[str, list[str]] = {
    "fintech": ["Ledgerline", "Paystream", "Clearvault", "Brightfund", "Tallybank", "Coinmesh"],
    "climate": ["Voltaic", "Carbonwell", "Gridnest", "Heliora", "Terralume", "Windrose"],
    "biotech": ["Genovia", "Helixworks", "Cellcraft", "Proteon", "Biolumen", "Assaybridge"],
    "devtools": ["Buildmoor", "Stackforge", "Tracewell", "Lintwise", "Shipyard", "Codemill"],
}

# Organisations whose names look like people: they must never enter a ranking of people.
INDUSTRY_NAME_LIKE_ORGS: dict[str, list[str]] = {
    "fintech": ["Morgan Stanley", "Goldman Sachs", "Wells Fargo", "Charles Schwab",
                "Hartley Mercer"],
    "climate": ["Ernst & Young", "Pruitt Calloway", "Whitmore Jansen", "Fenwick Hale"],
    "biotech": ["Johnson & Johnson", "Eli Lilly", "Abbott Lindqvist", "Merck Sharpe"],
    "devtools": ["Thornton Kemp", "Sullivan Ashby", "Ernst & Young", "Harlow Pierce"],
}

INDUSTRY_EVENTS: dict[str, list[str]] = {
    "fintech": ["Money Summit", "PayCon", "the Open Finance Forum"],
    "climate": ["Climate Week", "the Grid Futures Forum", "DecarbCon"],
    "biotech": ["BioFrontiers", "the Translational Medicine Forum", "GeneCon"],
    "devtools": ["BuildConf", "the Platform Summit", "DevEx Days"],
}

ROLES = [
    "founder of {co}", "chief executive of {co}", "head of product at {co}",
    "chief scientist at {co}", "a partner at {co}", "an engineer at {co}",
    "director of research at {co}", "an adviser to {co}",
]

BLOG_NAMES: dict[str, list[str]] = {
    "fintech": ["Basis Points", "The Settlement Layer", "Ledger Lines", "Float",
                "Rails & Rates", "The Clearing House Notes", "Interchange", "Tiny Ledgers",
                "Open Books"],
    "climate": ["Gigaton", "The Heat Pump Post", "Grid Notes", "Carbon Count", "Kilowatt",
                "Net Zero Dispatch", "Wind & Wire", "The Permit Queue", "Degrees"],
    "biotech": ["The Bench", "Assay", "Helix Weekly", "Trial Notes", "Pipette",
                "The Protein Fold", "Cell Lines", "Wet Lab", "Translational"],
    "devtools": ["Green Build", "The Diff", "Yak Shave", "Blameless", "Merge Queue",
                 "Stack Trace", "Dotfiles", "The Monorepo", "Flaky Tests"],
}
SHARED_BLOG = ("Carbon & Capital", ("fintech", "climate"))

ORG_BYLINES = ["Staff", "Newsroom", "Editorial Team"]
WIRE_BYLINE = "Wire Desk"

# Names that only ever appear in page furniture (comments, footers): never main text.
COMMENTER_NAMES = [
    "Pat Grimsby", "Morgan Ellery", "Dana Whitfield", "Casey Brandt",
    "Jordan Pell", "Robin Ashcombe", "Taylor Quill", "Jesse Marchetti",
]
SITE_DESIGNER = "Ingrid Tallow"

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
