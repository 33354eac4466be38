"""Fifty distinct English news articles in the style of a South Caucasus desk, generated reproducibly.

Not one text repeated: each article has its own topic (mining, energy, transport, diplomacy, demining,
agriculture, culture, sport, weather, trade, health, education, technology, tourism, reconstruction),
its own facts (places, people, figures, dates) drawn from a seeded generator, and its own length (10 to 60
sentences). What does recur is what recurs on a real desk: datelines, the agency's boilerplate, a background
paragraph a wire service pastes under every story of a kind. That recurrence is what a shared translation
memory saves.

Example:  uv run python bench/corpus_articles.py /tmp/day    (writes 50 .txt files)
"""
from __future__ import annotations

import random
import sys
from dataclasses import dataclass
from pathlib import Path

CITIES = ["Baku", "Yerevan", "Ganja", "Sumgait", "Lankaran", "Shusha", "Lachin", "Gyumri", "Vanadzor", "Nakhchivan",
          "Sheki", "Mingachevir", "Tbilisi", "Batumi", "Kutaisi", "Zangilan", "Kalbajar", "Aghdam", "Fuzuli",
          "Jabrayil", "Guba", "Dilijan", "Kapan", "Goris", "Shamakhi", "Gabala"]
REGIONS = ["Karabakh", "the East Zangezur economic region", "the Absheron peninsula", "the Syunik province",
           "the Lori province", "the Kura-Araz lowland", "the Ganja-Dashkasan region", "the Shirak province",
           "the Sheki-Zagatala region", "the Lankaran-Astara region"]
COUNTRIES = ["Azerbaijan", "Armenia", "Georgia", "Türkiye", "Russia", "Iran", "Kazakhstan", "Uzbekistan",
             "Turkmenistan", "France", "Germany", "Italy", "China", "Japan", "the United States", "Hungary"]
MINISTRIES = ["the Ministry of Economy", "the Ministry of Energy", "the Ministry of Digital Development and "
              "Transport", "the Ministry of Agriculture", "the Ministry of Health", "the Ministry of Science and "
              "Education", "the Ministry of Culture", "the Ministry of Ecology and Natural Resources",
              "the Foreign Ministry", "the State Tourism Agency", "the Ministry of Emergency Situations"]
FIRST = ["Elnur", "Aysel", "Rashad", "Leyla", "Tural", "Gunel", "Anar", "Narmin", "Armen", "Ani", "Davit", "Lilit",
         "Giorgi", "Nino", "Farid", "Sevinj", "Orkhan", "Kamala", "Vugar", "Shahla", "Hayk", "Mariam", "Samir", "Zaur"]
LAST = ["Mammadov", "Aliyeva", "Hasanov", "Guliyeva", "Ismayilov", "Huseynova", "Karimov", "Abbasova",
        "Petrosyan", "Grigoryan", "Sargsyan", "Hakobyan", "Beridze", "Kapanadze", "Rzayev", "Jafarova",
        "Valiyev", "Nasirova", "Safarov", "Bagirova"]
ROLES = ["deputy minister", "head of the department", "spokesperson", "chief engineer", "project manager",
         "regional governor", "chairman of the board", "director general", "senior analyst", "mayor"]
COMPANIES = ["SOCAR", "Azerenergy", "Azerbaijan Railways", "Azerishiq", "AzerGold", "Azercosmos", "Azersu",
             "Azerbaijan Airlines", "the Armenian Copper Programme", "Zangezur Copper Molybdenum Combine",
             "Georgian Railway", "BP", "Masdar", "ACWA Power", "TotalEnergies", "the Asian Development Bank"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
AGENCIES = ["AZERTAC", "Trend", "APA", "Report.az", "Armenpress", "news.am", "Interfax", "Anadolu Agency"]

#: Pasted under every story of its kind by the wire service: the same sentences in many articles.
BACKGROUND = {
    "conflict": [
        "Karabakh is internationally recognized as part of Azerbaijan.",
        "Baku and Yerevan fought two wars over the territory, in the early 1990s and again in the autumn of 2020.",
        "The 44-day war in 2020 ended with a Russian-brokered truce signed on Nov. 10.",
        "Azerbaijan restored full sovereignty over the region in September 2023.",
    ],
    "agency": [
        "Follow the agency's English service for the latest updates from the region.",
        "Reporting by the agency's correspondents; editing by the English desk.",
    ],
    "landmines": [
        "Azerbaijan is one of the most mine-contaminated countries in the world.",
        "Since the end of the 2020 war, more than 380 people have been killed or injured by landmines.",
    ],
}


@dataclass(frozen=True)
class Topic:
    name: str
    headlines: list[str]
    ledes: list[str]
    body: list[str]
    quotes: list[str]
    background: str | None = None


def _topics() -> list[Topic]:
    return [
        Topic("mining", [
            "{company} starts gold output at the {place} deposit",
            "Azerbaijan opens tender for copper mine near {city}",
            "Gold production in {country} rises {pct} percent in first half",
        ], [
            "{company} said on {day} it had begun commercial production at the {place} gold deposit in {region}.",
            "The government has invited international companies to bid for the development of a copper deposit near {city}.",
        ], [
            "The deposit holds an estimated {n} tonnes of gold and {m} tonnes of copper.",
            "The first gold bars are expected to be poured before the end of {month}.",
            "Output is forecast to reach {n} thousand ounces a year once the processing plant runs at full capacity.",
            "The company plans to invest {money} in the project over the next five years.",
            "About {k} local residents will be employed at the mine and the processing plant.",
            "Environmental groups have asked for an independent assessment of the tailings dam.",
            "The ministry said the water used in processing would be treated and recycled.",
            "Exploration drilling at the neighbouring site is scheduled to begin in {month}.",
            "Copper concentrate from the mine will be shipped by rail to the port of {city}.",
            "Precious metal exports accounted for {pct} percent of the country's non-oil exports last year.",
            "The licence was granted for a period of {k} years with an option to extend.",
            "Analysts say higher global gold prices have made smaller deposits profitable again.",
            "The Kyzylbulag and Demirli mines were returned to Azerbaijani control in 2023.",
            "Geologists have mapped {k} square kilometres of the licence area so far.",
        ], [
            "\"We expect the mine to become one of the largest employers in the region,\" {person} said.",
            "\"Every stage of the work will meet international environmental standards,\" said {person}, {role} at {company}.",
        ], "conflict"),
        Topic("energy", [
            "{company} signs solar power deal for {region}",
            "Gas exports to Europe rise to {n} billion cubic metres",
            "New wind farm near {city} connected to the grid",
        ], [
            "{company} and the government signed an agreement in {city} on {day} to build a {n}-megawatt solar plant.",
            "Azerbaijan exported {n} billion cubic metres of natural gas to Europe in the first {k} months of the year, officials said.",
        ], [
            "The plant is expected to generate about {m} million kilowatt-hours of electricity a year.",
            "It will save around {k} million cubic metres of natural gas annually.",
            "Construction is scheduled to start in {month} and take about two years.",
            "The project is part of the country's plan to raise the share of renewables to 30 percent by 2030.",
            "Gas is delivered through the Southern Gas Corridor, which runs from the Caspian Sea to Italy.",
            "The Trans-Adriatic Pipeline carried {n} billion cubic metres to Italy, Greece and Bulgaria last year.",
            "The grid operator said it would build a new {k}-kilovolt substation to connect the plant.",
            "The European Union has called Azerbaijan a reliable partner in its energy security.",
            "Power consumption rose by {pct} percent year on year because of the hot summer.",
            "A green energy corridor under the Black Sea is being studied with Georgia, Romania and Hungary.",
            "The wind farm's {k} turbines were delivered through the port of {city}.",
            "The tariff for electricity sold to the grid was fixed for twenty years.",
            "Engineers said the site receives more than 2,800 hours of sunshine a year.",
        ], [
            "\"Green energy is no longer a choice but a necessity,\" {person}, {role} at {company}, told reporters.",
            "\"We are ready to increase supplies if our partners sign long-term contracts,\" {person} said.",
        ]),
        Topic("transport", [
            "Railway from {city} to {city2} to reopen in {month}",
            "New highway cuts travel time to {city} by half",
            "Freight on the Middle Corridor grows {pct} percent",
        ], [
            "Passenger trains will run between {city} and {city2} again from {month}, {company} said on {day}.",
            "A {n}-kilometre highway linking {city} with {city2} was opened on {day} in the presence of government officials.",
        ], [
            "The journey will take about {k} hours, compared with more than {n} hours by road.",
            "The line has been rebuilt with new bridges, tunnels and {k} stations.",
            "Tickets will go on sale online two weeks before the first departure.",
            "Freight volumes on the Middle Corridor reached {m} million tonnes last year.",
            "Containers from China now reach Europe through Kazakhstan, the Caspian Sea, Azerbaijan and Georgia.",
            "The Baku-Tbilisi-Kars railway carried {n} thousand tonnes of cargo in the first quarter.",
            "The road has four lanes and was designed for speeds of up to 120 kilometres per hour.",
            "Work on a {k}-kilometre tunnel through the mountains is continuing.",
            "The port of Alat plans to raise its capacity to {n} million tonnes a year.",
            "New flights from {city} to {city2} will operate three times a week.",
            "The airport handled {n} thousand passengers in {month}, {pct} percent more than a year earlier.",
            "Officials said electrification of the line would be completed next year.",
        ], [
            "\"This route will bring the regions closer to the capital and to each other,\" {person} said.",
            "\"Our goal is to make the corridor faster and more predictable for shippers,\" said {person}, {role} at {company}.",
        ]),
        Topic("diplomacy", [
            "Foreign ministers of Azerbaijan and Armenia meet in {venue}",
            "{country} and Azerbaijan sign strategic partnership declaration",
            "Peace talks resume with new round in {venue}",
        ], [
            "The foreign ministers of Azerbaijan and Armenia held talks in {venue} on {day}, their offices said.",
            "President Ilham Aliyev received a delegation from {country} in Baku on {day}.",
        ], [
            "The sides discussed the draft peace agreement and the delimitation of the border.",
            "The meeting lasted more than {k} hours, according to a statement.",
            "Both sides agreed to continue the talks at the level of experts.",
            "The delimitation commissions have so far agreed on {n} kilometres of the border.",
            "The European Union and the United States welcomed the progress.",
            "Prime Minister Nikol Pashinian said the agreement could be signed by the end of the year.",
            "Baku insists that Armenia must first change its constitution.",
            "Yerevan says the opening of regional transport links must respect its sovereignty.",
            "The Foreign Ministry said the next round would take place in {month}.",
            "The two countries have never had diplomatic relations.",
            "Observers noted the more constructive tone of the statements after the meeting.",
            "The delegation also visited {city} and met local officials.",
            "A memorandum on cooperation in education and culture was signed at the end of the visit.",
        ], [
            "\"We have never been so close to peace,\" {person} said after the meeting.",
            "\"There are still open questions, but the direction is clear,\" the {role} {person} told journalists.",
        ], "conflict"),
        Topic("demining", [
            "Landmine blast injures {k} civilians near {city}",
            "Deminers clear {n} hectares in {region} in {month}",
            "Japan funds new mine detection dogs for Azerbaijan",
        ], [
            "Two civilians were injured on {day} when their vehicle hit an anti-tank mine near {city}, the mine action agency said.",
            "Deminers cleared {n} hectares of land in {region} in {month}, the national mine action agency ANAMA said.",
        ], [
            "The injured were taken to hospital in {city2}, where their condition was described as stable.",
            "They found and defused {k} anti-personnel mines, {m} anti-tank mines and {n} unexploded munitions.",
            "The agency has asked residents not to enter areas that have not been cleared.",
            "Mine maps handed over by Armenia are only {pct} percent accurate, according to Baku.",
            "More than {k} specialists and {m} machines are involved in the clearance work.",
            "The United Nations Development Programme supports the agency with equipment and training.",
            "A new training centre for deminers opened in {city} last year.",
            "Clearing the whole territory could take more than two decades at the current pace.",
            "The victims were working in a field outside the village.",
            "Drones with thermal cameras are now used to survey contaminated areas.",
        ], [
            "\"Every cleared hectare means a family can come home,\" {person}, {role} at the agency, said.",
            "\"We need more international support to speed up this work,\" {person} told reporters in {city}.",
        ], "landmines"),
        Topic("agriculture", [
            "Grain harvest in {country} reaches {n} million tonnes",
            "Farmers in {region} expect record pomegranate crop",
            "Hazelnut exports rise as prices recover",
        ], [
            "Farmers in {region} have harvested {n} thousand tonnes of wheat so far this season, the Ministry of Agriculture said.",
            "Pomegranate growers around {city} expect their largest crop in a decade after a mild spring.",
        ], [
            "The yield averaged {k} centners per hectare, higher than last year.",
            "About {pct} percent of the crop will be exported to Russia and the Gulf states.",
            "The government pays subsidies of {money} per hectare to farmers who use drip irrigation.",
            "Hazelnut exports earned {money} in the first half of the year.",
            "A new cold storage facility for {n} thousand tonnes of fruit opened near {city}.",
            "Drought in the summer damaged part of the cotton crop in the Kura-Araz lowland.",
            "Farmers complained about the rising price of fertiliser and diesel.",
            "The ministry plans to restore {n} thousand hectares of irrigated land in {region}.",
            "Tea plantations in the south are being replanted after decades of neglect.",
            "Wine production grew by {pct} percent, driven by demand in China and Poland.",
            "Livestock numbers have been stable for three years.",
        ], [
            "\"The weather was on our side this year,\" said {person}, who farms {k} hectares near {city}.",
            "\"Without irrigation there is no future for agriculture in this region,\" {person} said.",
        ]),
        Topic("culture", [
            "Shusha hosts {ordinal} Kharibulbul music festival",
            "Restored mosque in {city} reopens to worshippers",
            "Armenian film wins prize at festival in {venue}",
        ], [
            "The {ordinal} Kharibulbul international folk music festival opened in Shusha on {day}.",
            "A {century}-century mosque in {city} reopened on {day} after three years of restoration.",
        ], [
            "Musicians from {k} countries are taking part in the three-day festival.",
            "The festival is named after a flower that grows only in the Karabakh mountains.",
            "The restoration was carried out with the support of the Heydar Aliyev Foundation.",
            "Experts used old photographs to restore the original decorations of the minaret.",
            "The programme includes mugham concerts, dance performances and an exhibition of carpets.",
            "Tickets for the closing concert sold out within an hour.",
            "The film tells the story of a family separated by the war.",
            "The director said he wanted to show ordinary people rather than politics.",
            "UNESCO added the art of mugham to its list of intangible heritage in 2008.",
            "A new museum of carpet weaving will open in {city} in {month}.",
            "The orchestra performed works by Uzeyir Hajibeyli and Fikret Amirov.",
        ], [
            "\"Music is the language everyone in this region understands,\" said {person}, the festival's director.",
            "\"We wanted to return the building to the town exactly as it was,\" the architect {person} said.",
        ]),
        Topic("sport", [
            "Qarabag beat {team} {score} in Europa League",
            "Azerbaijani wrestler wins gold at European Championships",
            "Baku to host Formula 1 Grand Prix in September",
        ], [
            "Qarabag beat {team} {score} in Baku on {day} to keep their hopes of reaching the next round alive.",
            "Azerbaijani wrestler {person} won gold in the {k} kg category at the European Championships in {venue}.",
        ], [
            "The winning goal came in the {k}th minute after a long pass from midfield.",
            "The team now has {n} points from {k} matches in the group.",
            "More than {n} thousand spectators watched the match at the Tofiq Bahramov stadium.",
            "The coach praised his players for their discipline in defence.",
            "It was the country's {ordinal} gold medal at the championships.",
            "She defeated the defending champion in the final by points.",
            "The Formula 1 race on the city circuit will be held on the third weekend of September.",
            "Organisers expect about {n} thousand visitors during the race weekend.",
            "The team will play its next match away on {day}.",
            "The national federation promised a bonus for every medal won.",
        ], [
            "\"We played our best football of the season tonight,\" the coach {person} said.",
            "\"This medal is for everyone who supported me,\" {person} said after the final.",
        ]),
        Topic("weather", [
            "Heavy rain floods streets in {city}",
            "Earthquake of magnitude {mag} shakes {region}",
            "Heatwave: temperatures to reach {temp} degrees",
        ], [
            "Heavy rain flooded streets and several houses in {city} overnight, the Ministry of Emergency Situations said on {day}.",
            "An earthquake of magnitude {mag} was felt in {region} early on {day}, the seismological service said.",
        ], [
            "No casualties were reported, but {k} houses were damaged.",
            "The epicentre was located {k} kilometres from {city} at a depth of {n} kilometres.",
            "Rescue teams evacuated {n} people from the flooded area.",
            "Schools in the district were closed for the day.",
            "Forecasters expect temperatures to reach {temp} degrees Celsius in the lowlands.",
            "Residents are advised to avoid going outside between noon and four in the afternoon.",
            "Several roads in the mountains were closed because of landslides.",
            "The river rose by {k} metres in a few hours.",
            "Power was cut in some villages and restored by the evening.",
            "The last earthquake of similar strength in the region was recorded in {year}.",
        ], [
            "\"The water came so fast that we could only save our documents,\" a resident, {person}, said.",
            "\"There is no danger of a stronger aftershock,\" said {person}, {role} at the seismological service.",
        ]),
        Topic("trade", [
            "Trade between {country} and Azerbaijan up {pct} percent",
            "Non-oil exports reach {money} in {month}",
            "Inflation slows to {pct} percent, central bank says",
        ], [
            "Trade between Azerbaijan and {country} grew by {pct} percent in the first {k} months of the year, the State Customs Committee said.",
            "Annual inflation slowed to {pct} percent in {month}, the Central Bank of Azerbaijan said on {day}.",
        ], [
            "Exports made up {money} of the total and imports the rest.",
            "The main exports were oil, gas, fruit, vegetables and chemicals.",
            "The central bank kept its refinancing rate unchanged at {k} percent.",
            "Food prices rose faster than other goods and services.",
            "The manat has been pegged at 1.7 to the US dollar since 2017.",
            "The economy grew by {pct} percent year on year, driven by the non-oil sector.",
            "A joint investment fund with {country} will finance projects worth {money}.",
            "Business forums were held in {city} and {city2} during the visit.",
            "The two sides aim to raise annual trade to {money} within five years.",
            "Remittances from abroad fell by {pct} percent.",
            "The budget deficit is expected to stay below {k} percent of GDP.",
        ], [
            "\"The figures show that the economy is becoming less dependent on oil,\" {person}, {role} at {ministry}, said.",
            "\"We see strong interest from investors in the liberated territories,\" said {person}.",
        ]),
        Topic("health", [
            "New hospital opens in {city}",
            "Measles cases rise in {region}, ministry urges vaccination",
            "Doctors perform first robotic surgery in {city}",
        ], [
            "A {n}-bed hospital opened in {city} on {day}, the Ministry of Health said.",
            "The number of measles cases in {region} rose to {n} this month, prompting a vaccination campaign.",
        ], [
            "The hospital has departments of surgery, cardiology and paediatrics.",
            "It will serve about {n} thousand residents of the district and neighbouring villages.",
            "Doctors from {city2} will work in the hospital on a rotating basis.",
            "Vaccination is free for all children under the age of six.",
            "Most of the patients were children who had not been vaccinated.",
            "The ministry has sent {k} mobile vaccination teams to remote villages.",
            "The operation lasted {k} hours and the patient is recovering well.",
            "Compulsory health insurance now covers more than {n} medical services.",
            "The World Health Organization praised the country's response.",
            "A new ambulance station will be built next to the hospital.",
        ], [
            "\"People no longer need to travel to the capital for complex operations,\" said {person}, the hospital's director.",
            "\"Vaccination is the only reliable protection,\" {person}, {role} at the Ministry of Health, said.",
        ]),
        Topic("education", [
            "{n} thousand pupils return to schools in {region}",
            "New university campus to open in {city}",
            "Students win medals at international olympiad",
        ], [
            "About {n} thousand pupils returned to school in {region} on {day}, the start of the new academic year.",
            "A new campus of the university will open in {city} in {month}, the Ministry of Science and Education said.",
        ], [
            "{k} new schools were built or renovated over the summer.",
            "The campus will have places for {n} thousand students and a library.",
            "Teaching will be in Azerbaijani and English.",
            "The first students will study engineering, agriculture and tourism.",
            "The team won {k} gold and {m} silver medals at the olympiad in {venue}.",
            "Teachers who move to the region receive a monthly supplement to their salary.",
            "Every classroom has been equipped with a digital board.",
            "The ministry plans to cut the number of pupils per class to {k}.",
            "Scholarships will be offered to students from low-income families.",
            "The school in the village had been closed for almost thirty years.",
        ], [
            "\"This is the first day of school my children will remember here,\" said {person}, a parent.",
            "\"Our students proved that they can compete with the best,\" the team's coach {person} said.",
        ]),
        Topic("technology", [
            "Azerbaijan launches second telecommunications satellite",
            "5G network goes live in {city}",
            "Startups from the region pitch to investors in {venue}",
        ], [
            "Azercosmos said on {day} that its new satellite had reached orbit and sent its first signals.",
            "The first commercial 5G network went live in {city} on {day}, the mobile operator said.",
        ], [
            "The satellite will provide television and internet services to {k} countries.",
            "It was built by a European manufacturer and launched from French Guiana.",
            "Download speeds in the first tests exceeded {n} megabits per second.",
            "The network will cover the capital and {k} regional centres by the end of next year.",
            "Fibre-optic lines have been laid to {n} villages this year.",
            "The government has set up a fund to support technology startups.",
            "{k} companies from Azerbaijan, Georgia and Armenia took part in the event.",
            "A new data centre will be built in {city} to store government data.",
            "The operator invested {money} in new equipment.",
            "Cybersecurity specialists warned about a rise in phishing attacks.",
        ], [
            "\"Digital connectivity is as important as roads and railways,\" said {person}, {role} at {ministry}.",
            "\"We want our engineers to build products for the whole world,\" {person} said.",
        ]),
        Topic("tourism", [
            "Tourist arrivals up {pct} percent in first half",
            "New ski resort opens in the mountains near {city}",
            "{city} named a top destination for autumn travel",
        ], [
            "Azerbaijan received {n} thousand foreign tourists in the first half of the year, {pct} percent more than a year earlier.",
            "A new ski resort with {k} kilometres of slopes opened near {city} on {day}.",
        ], [
            "Most visitors came from Russia, Türkiye, Iran and the Gulf states.",
            "Hotel occupancy in the capital averaged {pct} percent over the summer.",
            "Visitors can now obtain an electronic visa within three working days.",
            "The resort has {k} hotels, a cable car and a ski school.",
            "New flights from Europe have made the country easier to reach.",
            "The old town of {city} is listed as a UNESCO World Heritage Site.",
            "Guides in the region have been trained in English, Arabic and Russian.",
            "The tourism agency plans to promote the country at a fair in {venue} in {month}.",
            "Spending by foreign visitors reached {money}.",
            "Guest houses in mountain villages have become popular with families.",
        ], [
            "\"Tourists come for the food, the history and the mountains,\" said {person}, who runs a guest house in {city}.",
            "\"We expect a record season this winter,\" {person}, {role} at the State Tourism Agency, said.",
        ]),
        Topic("reconstruction", [
            "First residents return to rebuilt village in {region}",
            "Smart village project completed near {city}",
            "Reconstruction of {city} enters second phase",
        ], [
            "The first {n} families returned to a rebuilt village in {region} on {day}, officials said.",
            "The second phase of the reconstruction of {city} began on {day}, with {k} residential buildings under construction.",
        ], [
            "Each family received the keys to a new house and a plot of land.",
            "The village has a school, a kindergarten, a clinic and a community centre.",
            "Houses are heated by solar panels and heat pumps.",
            "The state has spent {money} on restoration in the region since 2021.",
            "About {n} thousand people are expected to return by the end of the year.",
            "Most of the old buildings were destroyed during the occupation.",
            "A new water pipeline brings drinking water from a reservoir {k} kilometres away.",
            "Jobs will be created in agriculture, construction and tourism.",
            "The returnees were displaced from the village more than thirty years ago.",
            "Residents will receive a monthly allowance for the first year.",
        ], [
            "\"I have waited thirty years to see my father's house again,\" said {person}, one of the returnees.",
            "\"The village is built to last for generations,\" {person}, {role} of the reconstruction service, said.",
        ], "conflict"),
    ]


#: Sentences any story can carry, all slots: every use is a new sentence.
GENERIC = [
    "{person}, {role} at {company}, said the work would be finished by {month}.",
    "The figures were published by {ministry} on {day}.",
    "{person}, {role} at {ministry}, told {agency} that a decision was expected in {month}.",
    "A working group of {k} experts from {ministry} visited {city} on {day}.",
    "Officials in {city} said {n} residents had applied so far.",
    "The next meeting of the commission is planned in {city2} in {month}.",
    "{company} said it had set aside {money} for the second stage.",
    "The total cost was estimated at {money}, {pct} percent above the initial budget.",
    "According to {ministry}, {n} applications were received by the end of {month}.",
    "Local authorities in {city2} have promised to support the project.",
    "A similar programme was launched in {city2} in {year}.",
    "The plan was approved at a government meeting chaired by {person} on {day}.",
    "{person}, a resident of {city}, said people had waited for this for a long time.",
    "The documents were signed by {person} and {person2}.",
    "A delegation from {country} led by {person} is expected in {city} in {month}.",
    "Details will be presented at a news conference in {city} on {day}, {agency} reported.",
]


VENUES = ["Washington", "Brussels", "Almaty", "Geneva", "Berlin", "Istanbul", "Prague", "Astana", "Vienna", "Rome"]
TEAMS = ["Olympiacos", "Ajax", "Sporting", "Malmo", "Bodo/Glimt", "Slavia Prague", "Ferencvaros", "Dinamo Zagreb"]


class _Facts:
    """Fills a template's slots; every fill draws new facts, so two fills of one template differ."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.city = rng.choice(CITIES)
        self.region = rng.choice(REGIONS)
        self.country = rng.choice(COUNTRIES)
        self.company = rng.choice(COMPANIES)
        self.venue = rng.choice(VENUES)

    def fill(self, template: str) -> str:
        r = self.rng
        city2 = r.choice([c for c in CITIES if c != self.city])
        values = {
            "person2": f"{r.choice(FIRST)} {r.choice(LAST)}", "agency": r.choice(AGENCIES),
            "city": self.city, "city2": city2, "region": self.region, "country": self.country,
            "company": self.company, "venue": self.venue, "ministry": r.choice(MINISTRIES),
            "place": r.choice(["Gedabek", "Chovdar", "Gosha", "Vejnali", "Soyudlu", "Kyzylbulag", "Demirli",
                               "Agduzdag", "Tutkhun", "Teghout"]),
            "person": f"{r.choice(FIRST)} {r.choice(LAST)}", "role": r.choice(ROLES),
            "day": r.choice(DAYS), "month": r.choice(MONTHS), "year": str(r.randint(1990, 2021)),
            "n": f"{r.randint(2, 950):,}", "m": str(r.randint(2, 90)), "k": str(r.randint(2, 48)),
            "pct": f"{r.randint(2, 60)}.{r.randint(0, 9)}",
            "money": r.choice([f"${r.randint(2, 900)} million", f"{r.randint(2, 90)} million manats",
                               f"${r.randint(1, 9)}.{r.randint(1, 9)} billion", f"{r.randint(2, 400)} manats"]),
            "ordinal": r.choice(["second", "third", "fourth", "fifth", "sixth", "seventh", "eighth"]),
            "century": r.choice(["17th", "18th", "19th"]), "team": r.choice(TEAMS),
            "score": r.choice(["1-0", "2-1", "3-1", "2-0", "3-2"]), "mag": f"{r.randint(3, 5)}.{r.randint(0, 9)}",
            "temp": str(r.randint(38, 44)),
        }
        return template.format(**values)


@dataclass(frozen=True)
class Article:
    name: str
    text: str


def articles(count: int = 50, seed: int = 2024) -> list[Article]:
    """`count` distinct articles: topics rotate, facts and lengths come from `seed`."""
    rng = random.Random(seed)
    topics = _topics()
    out = []
    for i in range(count):
        topic = topics[i % len(topics)]
        facts = _Facts(rng)
        goal = rng.randint(10, 60)
        agency = rng.choice(AGENCIES)
        month = rng.choice(MONTHS)
        lines = [facts.fill(rng.choice(topic.headlines))]
        caption = rng.random() < 0.5
        if caption:
            lines.append(f"A view of {facts.city}, {month} {rng.randint(1, 28)}. ({agency} Photo)")
        lines.append(f"{facts.city.upper()}, {month} {rng.randint(1, 28)} ({agency}) - "
                     + facts.fill(rng.choice(topic.ledes)))
        # Each article takes a part of its topic's fixed sentences (a wire service's recurring lines recur,
        # but not all of them in every story); once they run out, sentences with new facts follow.
        body = rng.sample(topic.body, k=max(3, len(topic.body) * 2 // 3))
        quotes = list(topic.quotes)
        rng.shuffle(quotes)
        tail: list[list[str]] = []
        if topic.background and goal >= 20:
            tail.append(list(BACKGROUND[topic.background]))
        if rng.random() < 0.4:
            tail.append([rng.choice(BACKGROUND["agency"])])
        sentences = len(lines) + caption + sum(len(p) for p in tail)   # the caption is two sentences
        paragraphs: list[list[str]] = []
        while sentences < goal:
            size = min(rng.randint(1, 4), goal - sentences)
            para = []
            for _ in range(size):
                if quotes and rng.random() < 0.15:
                    para.append(facts.fill(quotes.pop()))
                elif body:
                    para.append(facts.fill(body.pop()))
                else:
                    para.append(facts.fill(rng.choice(GENERIC)))
            paragraphs.append(para)
            sentences += len(para)
        paragraphs += tail
        lines += [" ".join(p) for p in paragraphs]
        name = f"{i + 1:02d}-{topic.name}-{facts.city.lower()}"
        out.append(Article(name, "\n\n".join(lines) + "\n"))
    return out


def write(folder: Path, count: int = 50, seed: int = 2024) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for a in articles(count, seed):
        path = folder / f"{a.name}.txt"
        path.write_text(a.text, encoding="utf-8")
        paths.append(path)
    return paths


if __name__ == "__main__":
    for p in write(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("corpus")):
        print(p)
