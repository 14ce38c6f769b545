// Every sentence the bot says, in Dutch (informal "je", the default) and English.
#include <algorithm>
#include <string>

#include "bot/i18n.hpp"
#include "bot/text.hpp"

namespace leernetwerk {
namespace {

struct Entry {
    std::string_view key;
    std::string_view nl;
    std::string_view en;
};

// clang-format off
constexpr Entry kCatalogue[] = {
    // ---- roles
    {"role.participant", "deelnemer", "participant"},
    {"role.organiser", "organisator", "organiser"},
    {"role.facilitator", "procesbegeleider", "facilitator"},
    {"role.workshop_leader", "workshopleider", "workshop leader"},
    {"role.expert", "deskundige", "expert"},
    {"role.guest", "gast", "guest"},
    {"choice.yes", "Ja", "Yes"},
    {"choice.no", "Nee", "No"},

    // ---- help
    {"help.intro", "Hoi {name}! Ik houd het leernetwerk tussen de bijeenkomsten door op gang.",
     "Hi {name}! I keep the learning network going between its meetings."},
    {"help.intro_stranger", "Hoi! Ik ben de bot van het leernetwerk. Je staat nog niet in een netwerk: vraag de procesbegeleider om je toe te voegen.",
     "Hi! I am the learning network's bot. You are not in a network yet: ask the facilitator to add you."},
    {"help.everyone", "**Wat je kunt vragen:**", "**What you can ask:**"},
    {"help.managers", "**Voor organisatoren en procesbegeleiders:**", "**For organisers and facilitators:**"},
    {"help.more", "Typ **hulp** en een opdracht voor meer uitleg, bijvoorbeeld **hulp expertise**.",
     "Type **help** and a command to learn more, for example **help expertise**."},
    {"cmd.help", "**hulp** — dit overzicht", "**help** — this overview"},
    {"cmd.meetings", "**bijeenkomsten** — de komende bijeenkomsten", "**meetings** — the coming meetings"},
    {"cmd.members", "**leden** — wie er in het netwerk zit, met school en expertise", "**members** — who is in the network, with school and expertise"},
    {"cmd.expertise", "**expertise** rekenen, feedback — zeg waar je verstand van hebt", "**expertise** maths, feedback — say what you know about"},
    {"cmd.language", "**taal** en — praat Engels met me (of **taal** nl)", "**language** nl — talk Dutch with me (or **language** en)"},
    {"cmd.networks", "**netwerken** — jouw netwerken", "**networks** — your networks"},
    {"cmd.switch_network", "**netwerk** naam — kies het netwerk waar je opdrachten over gaan", "**network** name — choose the network your commands are about"},
    {"cmd.cafe_weeks", "**caféweken** — de caféweken van dit schooljaar", "**café weeks** — this school year's café weeks"},
    {"cmd.create_network", "**nieuw netwerk** naam | thema — start een netwerk", "**new network** name | theme — start a network"},
    {"cmd.link_conversation", "**koppel netwerk** naam — koppel dit kanaal aan een netwerk", "**link network** name — link this channel to a network"},
    {"cmd.add_member", "**lid toevoegen** naam | rol | school — voeg iemand toe (of wijzig de rol)", "**add member** name | role | school — add someone (or change their role)"},
    {"cmd.remove_member", "**lid verwijderen** naam — haal iemand uit het netwerk", "**remove member** name — take someone out of the network"},
    {"cmd.plan_meeting", "**plan bijeenkomst** 12 maart 15:30 | plaats | onderwerp | voorbereiding", "**plan meeting** 12 March 15:30 | place | topic | preparers"},
    {"cmd.move_meeting", "**verplaats bijeenkomst** 3 naar 19 maart 15:30", "**move meeting** 3 to 19 March 15:30"},
    {"cmd.cancel_meeting", "**annuleer bijeenkomst** 3", "**cancel meeting** 3"},
    {"cmd.yes", "**ja** — bevestig wat ik vroeg", "**yes** — confirm what I asked"},
    {"cmd.no", "**nee** — laat het zo", "**no** — leave it as it is"},
    {"help.help", "**hulp** laat zien wat je kunt vragen. **hulp** met een opdracht erachter legt die opdracht uit.",
     "**help** shows what you can ask. **help** followed by a command explains that command."},
    {"help.meetings", "**bijeenkomsten** toont de komende bijeenkomsten van je netwerk: datum, tijd, plaats, onderwerp en wie voorbereidt. Het nummer (#3) gebruik je om een bijeenkomst te verplaatsen of te annuleren.",
     "**meetings** shows your network's coming meetings: date, time, place, topic and who prepares. Use the number (#3) to move or cancel a meeting."},
    {"help.members", "**leden** toont iedereen in het netwerk met school, rol en expertise.",
     "**members** shows everyone in the network with school, role and expertise."},
    {"help.expertise", "**expertise** rekenen, feedback, ICT slaat op waar je verstand van hebt (komma's ertussen, maximaal 10). Vragen uit het netwerk komen zo bij de juiste mensen. **expertise** alleen laat zien wat er staat, **expertise wissen** haalt alles weg.",
     "**expertise** maths, feedback, ICT stores what you know about (commas in between, at most 10). Questions from the network then reach the right people. **expertise** alone shows what is stored, **expertise clear** removes it all."},
    {"help.language", "**taal en** of **taal nl** kiest de taal waarin ik met je praat.",
     "**language en** or **language nl** chooses the language I talk to you in."},
    {"help.networks", "**netwerken** toont de netwerken waar je in zit en je rol.",
     "**networks** shows the networks you are in and your role."},
    {"help.switch_network", "**netwerk** HSN-café Feedback kiest het netwerk waar je opdrachten in een privégesprek over gaan. In een kanaal van een netwerk geldt altijd dat netwerk.",
     "**network** HSN-café Feedback chooses the network your commands in a private chat are about. In a network's channel, that network always applies."},
    {"help.create_network", "**nieuw netwerk** HSN-café Rekenen | Rekenonderwijs in de onderbouw start een netwerk; jij wordt de procesbegeleider. In een kanaal wordt dat kanaal meteen aan het netwerk gekoppeld.",
     "**new network** HSN café Maths | Maths in the early years starts a network; you become its facilitator. In a channel, that channel is linked to the network straight away."},
    {"help.link_conversation", "**koppel netwerk** HSN-café Feedback koppelt dit kanaal of deze groepschat aan het netwerk: herinneringen en aankondigingen komen dan hier.",
     "**link network** HSN-café Feedback links this channel or group chat to the network: reminders and announcements then come here."},
    {"help.add_member", "**lid toevoegen** Anna de Vries | deelnemer | De Regenboog voegt iemand toe. Rollen: deelnemer, organisator, procesbegeleider, workshopleider, deskundige, gast. Zet er een account achter om het te koppelen: | @anna:hsn.nl (Matrix) of | 29:… (Teams). Staat iemand er al in, dan verandert alleen de rol.",
     "**add member** Anna de Vries | participant | De Regenboog adds someone. Roles: participant, organiser, facilitator, workshop leader, expert, guest. Add an account to link it: | @anna:hsn.nl (Matrix) or | 29:… (Teams). If they are in already, only the role changes."},
    {"help.remove_member", "**lid verwijderen** Anna haalt iemand uit het netwerk. Wat die persoon eerder deelde, blijft.",
     "**remove member** Anna takes someone out of the network. What they shared before stays."},
    {"help.plan_meeting", "**plan bijeenkomst** 12 maart 15:30 | De Wegwijzer, Nijkerk | Feedback in groep 7 | Anna, Bram\nDe delen na de datum mogen ook met een label, in elke volgorde: plaats: …, onderwerp: …, voorbereiding: …. Zonder iets erachter krijg je een formulier. Valt de datum buiten een caféweek, of wordt het meer dan het maximum per schooljaar, dan vraag ik eerst of je het zeker weet.",
     "**plan meeting** 12 March 15:30 | De Wegwijzer, Nijkerk | Feedback in year 5 | Anna, Bram\nThe parts after the date may also carry a label, in any order: place: …, topic: …, preparers: …. With nothing after it you get a form. If the date is outside a café week, or goes over the yearly maximum, I ask you to confirm first."},
    {"help.move_meeting", "**verplaats bijeenkomst** 3 naar 19 maart 15:30 zet bijeenkomst #3 op een andere dag of tijd. Alleen een dag noemen houdt de tijd gelijk.",
     "**move meeting** 3 to 19 March 15:30 moves meeting #3 to another day or time. Naming only a day keeps the time."},
    {"help.cancel_meeting", "**annuleer bijeenkomst** 3 annuleert bijeenkomst #3 en laat het het netwerk weten.",
     "**cancel meeting** 3 cancels meeting #3 and tells the network."},
    {"help.cafe_weeks", "**caféweken** toont de caféweken van dit schooljaar. Organisatoren en procesbegeleiders leggen ze vast met **caféweken** 2026-2027: 41, 47, 6, 12, 20 (de weeknummers uit ParnasSys).",
     "**café weeks** shows this school year's café weeks. Organisers and facilitators set them with **café weeks** 2026-2027: 41, 47, 6, 12, 20 (the week numbers from ParnasSys)."},
    {"help.yes", "**ja** bevestigt de laatste vraag die ik je stelde.", "**yes** confirms the last question I asked you."},
    {"help.no", "**nee** zegt nee op de laatste vraag die ik je stelde.", "**no** declines the last question I asked you."},

    // ---- input problems
    {"input.invalid_text", "Ik kan de tekens in je bericht niet lezen. Probeer het nog eens als gewone tekst.",
     "I cannot read the characters in your message. Please try again as plain text."},
    {"input.empty", "Je bericht was leeg. Typ **hulp** om te zien wat ik kan.",
     "Your message was empty. Type **help** to see what I can do."},
    {"input.too_long", "Je bericht is te lang ({length} tekens; ik lees er hooguit {max}). Maak het korter en probeer het nog eens.",
     "Your message is too long ({length} characters; I read at most {max}). Please shorten it and try again."},
    {"input.did_you_mean", "Dat ken ik niet. Bedoel je **{command}**? Typ **hulp** voor alles wat ik kan.",
     "I don't know that one. Did you mean **{command}**? Type **help** for everything I can do."},
    {"input.unknown", "Dat begrijp ik niet. Typ **hulp** om te zien wat ik kan.",
     "I don't understand that. Type **help** to see what I can do."},
    {"input.stranger", "Ik ken je nog niet, dus ik kan dat niet voor je doen. Vraag de procesbegeleider van je netwerk om je toe te voegen.",
     "I don't know you yet, so I can't do that for you. Ask your network's facilitator to add you."},
    {"error.internal", "Sorry, daar ging bij mij iets mis. Er is niets veranderd; probeer het nog eens, of anders op een andere manier. De beheerder kan in het logboek zien wat er gebeurde.",
     "Sorry, something went wrong on my side. Nothing has changed; please try again, or another way. The administrator can see what happened in the log."},
    {"action.unknown", "Die knop hoort bij iets wat ik niet (meer) ken. Typ **hulp** als je verder wilt.",
     "That button belongs to something I don't know (any more). Type **help** to carry on."},

    // ---- refusals
    {"refuse.manage", "Alleen organisatoren en procesbegeleiders van {network} kunnen **{command}** gebruiken. Vraag het {managers}.",
     "Only organisers and facilitators of {network} can use **{command}**. Ask {managers}."},
    {"refuse.manage_nobody", "Alleen organisatoren en procesbegeleiders van {network} kunnen **{command}** gebruiken, en die heeft het netwerk nog niet.",
     "Only organisers and facilitators of {network} can use **{command}**, and the network has none yet."},
    {"refuse.create_network", "Alleen organisatoren en procesbegeleiders kunnen een nieuw netwerk starten. Vraag het de procesbegeleider van je netwerk.",
     "Only organisers and facilitators can start a new network. Ask your network's facilitator."},
    {"refuse.link", "Alleen organisatoren en procesbegeleiders van {network} kunnen een kanaal aan dat netwerk koppelen.",
     "Only organisers and facilitators of {network} can link a channel to that network."},
    {"refuse.cafe_weeks", "Alleen organisatoren en procesbegeleiders leggen de caféweken vast. Typ **caféweken** om ze te bekijken.",
     "Only organisers and facilitators set the café weeks. Type **café weeks** to see them."},

    // ---- networks
    {"network.none", "Je zit nog niet in een netwerk. Vraag de procesbegeleider om je toe te voegen.",
     "You are not in a network yet. Ask the facilitator to add you."},
    {"network.choose_first", "Je zit in meer dan één netwerk. Kies er eerst een met **netwerk** naam (typ **netwerken** voor de lijst).",
     "You are in more than one network. Choose one first with **network** name (type **networks** for the list)."},
    {"network.current", "Je opdrachten gaan nu over **{network}**.", "Your commands are now about **{network}**."},
    {"network.not_yours", "Ik vind geen netwerk \"{network}\" waar je in zit. Typ **netwerken** voor je netwerken.",
     "I can't find a network \"{network}\" that you are in. Type **networks** for your networks."},
    {"network.switched_but_bound",
     "Goed, in privégesprekken gaan je opdrachten nu over **{network}**. In dit kanaal gaat het altijd over **{here}**.",
     "Fine, in private chats your commands are now about **{network}**. In this channel they are always about **{here}**."},
    {"network.switched", "Goed, je opdrachten gaan nu over **{network}**.", "Fine, your commands are now about **{network}**."},
    {"network.create_usage", "Geef het netwerk een naam, bijvoorbeeld: **nieuw netwerk** HSN-café Rekenen | Rekenonderwijs in de onderbouw",
     "Give the network a name, for example: **new network** HSN café Maths | Maths in the early years"},
    {"network.name_too_long", "Die naam is te lang: hooguit {max} tekens voor de naam en 200 voor het thema.",
     "That name is too long: at most {max} characters for the name and 200 for the theme."},
    {"network.exists", "Er is al een netwerk dat **{network}** heet. Kies een andere naam.",
     "There is a network called **{network}** already. Choose another name."},
    {"network.created", "Netwerk **{network}** is gestart en jij bent de procesbegeleider. Voeg leden toe met **lid toevoegen** en koppel een kanaal met **koppel netwerk** {network}.",
     "Network **{network}** has started and you are its facilitator. Add members with **add member** and link a channel with **link network** {network}."},
    {"network.created_bound", "Netwerk **{network}** is gestart, jij bent de procesbegeleider en dit kanaal hoort er nu bij. Voeg leden toe met **lid toevoegen**.",
     "Network **{network}** has started, you are its facilitator and this channel now belongs to it. Add members with **add member**."},
    {"networks.none", "Je zit nog in geen enkel netwerk.", "You are not in any network yet."},
    {"networks.title", "**Jouw netwerken:**", "**Your networks:**"},
    {"networks.current", "je opdrachten gaan hierover", "your commands are about this one"},
    {"link.only_group", "Een netwerk koppel je aan een kanaal of groepschat, niet aan een privégesprek.",
     "You link a network to a channel or group chat, not to a private chat."},
    {"link.done", "Dit gesprek hoort nu bij **{network}**: aankondigingen en herinneringen komen hier.",
     "This conversation now belongs to **{network}**: announcements and reminders come here."},

    // ---- members
    {"members.title", "**Leden van {network}** ({count}):", "**Members of {network}** ({count}):"},
    {"members.expertise", "expertise: {tags}", "expertise: {tags}"},
    {"member.unknown", "Ik vind niemand die \"{typed}\" heet in {network}. Typ **leden** voor de lijst.",
     "I can't find anyone called \"{typed}\" in {network}. Type **members** for the list."},
    {"member.ambiguous", "\"{typed}\" kan meerdere mensen zijn: {names}. Typ de volledige naam.",
     "\"{typed}\" could be several people: {names}. Type the full name."},
    {"add_member.usage", "Zo voeg je iemand toe: **lid toevoegen** Anna de Vries | deelnemer | De Regenboog",
     "This is how you add someone: **add member** Anna de Vries | participant | De Regenboog"},
    {"add_member.name_too_long", "Die naam is te lang (hooguit {max} tekens).", "That name is too long (at most {max} characters)."},
    {"add_member.unknown_role", "\"{typed}\" ken ik niet als rol. Kies uit: deelnemer, organisator, procesbegeleider, workshopleider, deskundige, gast.",
     "I don't know \"{typed}\" as a role. Choose from: participant, organiser, facilitator, workshop leader, expert, guest."},
    {"add_member.account_taken", "Het account {account} hoort al bij {other}. Controleer het account en probeer het nog eens.",
     "The account {account} already belongs to {other}. Check the account and try again."},
    {"add_member.already", "{name} zit al in {network} als {role}. Er is niets veranderd.",
     "{name} is in {network} already as {role}. Nothing changed."},
    {"add_member.role_changed", "{name} is nu {role}.", "{name} is now {role}."},
    {"add_member.done", "{name} ({school}) zit nu in {network} als {role}.", "{name} ({school}) is now in {network} as {role}."},
    {"add_member.done_no_school", "{name} zit nu in {network} als {role}. Geen school opgegeven: voeg die toe met **lid toevoegen** {name} | {role} | school.",
     "{name} is now in {network} as {role}. No school given: add it with **add member** {name} | {role} | school."},
    {"remove_member.usage", "Wie moet eruit? Bijvoorbeeld: **lid verwijderen** Anna de Vries",
     "Who should leave? For example: **remove member** Anna de Vries"},
    {"remove_member.last_manager", "{name} is de enige organisator of procesbegeleider. Maak eerst iemand anders procesbegeleider, dan kan {name} eruit.",
     "{name} is the only organiser or facilitator. Make someone else facilitator first, then {name} can leave."},
    {"remove_member.done", "{name} zit niet meer in {network}.", "{name} is no longer in {network}."},

    // ---- expertise and language
    {"expertise.none", "Je hebt nog geen expertise opgegeven. Bijvoorbeeld: **expertise** rekenen, feedback, ICT",
     "You have not given any expertise yet. For example: **expertise** maths, feedback, ICT"},
    {"expertise.show", "Je expertise: {tags}. Wijzig met **expertise** en een nieuwe lijst.",
     "Your expertise: {tags}. Change it with **expertise** and a new list."},
    {"expertise.saved", "Opgeslagen. Je expertise: {tags}.", "Saved. Your expertise: {tags}."},
    {"expertise.cleared", "Je expertise is gewist.", "Your expertise has been cleared."},
    {"expertise.too_long", "Een expertise mag hooguit {max} tekens zijn. Zet komma's tussen de onderwerpen.",
     "An expertise tag may be at most {max} characters. Put commas between the topics."},
    {"expertise.too_many", "Kies hooguit {max} onderwerpen, dan blijft het overzichtelijk.",
     "Choose at most {max} topics, so it stays clear."},
    {"language.show", "Ik praat Nederlands met je. Typ **taal en** voor Engels.",
     "I talk English to you. Type **language nl** for Dutch."},
    {"language.unknown", "\"{typed}\" ken ik niet als taal. Kies **taal nl** (Nederlands) of **taal en** (Engels).",
     "I don't know \"{typed}\" as a language. Choose **language nl** (Dutch) or **language en** (English)."},
    {"language.saved", "Goed, ik praat vanaf nu Nederlands met je.", "Fine, I will talk English to you from now on."},

    // ---- dates
    {"when.not_understood", "Ik kan \"{typed}\" niet als datum lezen. Zo gaat het wel: 12 maart 15:30, 12-3-2027 15:30, 2027-03-12 15:30, morgen 9:00 of dinsdag week 11 15:30.",
     "I can't read \"{typed}\" as a date. These work: 12 March 15:30, 12-3-2027 15:30, 2027-03-12 15:30, tomorrow 9:00 or Tuesday week 11 15:30."},
    {"when.invalid_date", "\"{typed}\" bestaat niet in de kalender. Kijk de dag en de maand nog eens na.",
     "\"{typed}\" does not exist in the calendar. Please check the day and the month."},
    {"when.invalid_time", "In \"{typed}\" staat een tijd die niet bestaat. Gebruik bijvoorbeeld 15:30.",
     "\"{typed}\" has a time that does not exist. Use 15:30, for example."},
    {"when.need_day", "Op welke dag in week {week}? Bijvoorbeeld: dinsdag week {week} 15:30.",
     "Which day in week {week}? For example: Tuesday week {week} 15:30."},
    {"when.need_time", "Hoe laat op {day}? Bijvoorbeeld: {typed} 15:30.", "At what time on {day}? For example: {typed} 15:30."},
    {"when.nonexistent", "{when} bestaat niet: die nacht gaat de klok een uur vooruit (zomertijd). Kies een andere tijd.",
     "{when} does not exist: that night the clocks go forward an hour (summer time). Choose another time."},
    {"when.ambiguous", "Let op: {when} komt die nacht twee keer voor (de klok gaat terug). Ik houd de eerste aan.",
     "Note: {when} happens twice that night (the clocks go back). I use the first."},

    // ---- meetings
    {"meeting.no_location", "plaats nog onbekend", "place not known yet"},
    {"meeting.no_topic", "onderwerp volgt", "topic to follow"},
    {"meeting.no_preparers", "nog niemand", "nobody yet"},
    {"meeting.plan_usage", "Wanneer is de bijeenkomst? Bijvoorbeeld: **plan bijeenkomst** 12 maart 15:30 | De Wegwijzer | Feedback geven | Anna, Bram",
     "When is the meeting? For example: **plan meeting** 12 March 15:30 | De Wegwijzer | Giving feedback | Anna, Bram"},
    {"meeting.field_too_long", "De plaats en het onderwerp mogen elk hooguit {max} tekens zijn.",
     "The place and the topic may be at most {max} characters each."},
    {"meeting.bad_zone", "De tijdzone van dit netwerk ({zone}) ken ik niet. Vraag de beheerder om die te controleren.",
     "I don't know this network's time zone ({zone}). Ask the administrator to check it."},
    {"meeting.in_past", "{when} is al voorbij. Kies een moment in de toekomst.", "{when} has passed already. Choose a moment in the future."},
    {"meeting.note_no_cafe_weeks", "Er zijn nog geen caféweken vastgelegd voor {year}, dus ik kon niet controleren of dit in een caféweek valt.",
     "No café weeks have been set for {year} yet, so I could not check whether this falls in a café week."},
    {"meeting.warn_outside_cafe_week", "Let op: week {week} is geen caféweek. De caféweken van {year} zijn de weken {weeks}.",
     "Note: week {week} is not a café week. The café weeks of {year} are weeks {weeks}."},
    {"meeting.warn_cap", "Let op: dit wordt bijeenkomst {count} in {year}, en een HSN-café komt hooguit {cap} keer per jaar bij elkaar.",
     "Note: this would be meeting {count} in {year}, and an HSN café meets at most {cap} times a year."},
    {"meeting.confirm_plan", "Je wilt een bijeenkomst van {network} plannen op **{when}** ({location}; {topic}; voorbereiding: {preparers}).",
     "You want to plan a meeting of {network} on **{when}** ({location}; {topic}; preparers: {preparers})."},
    {"meeting.confirm_move", "Je wilt de bijeenkomst van {network} verplaatsen naar **{when}** ({location}; {topic}).",
     "You want to move the meeting of {network} to **{when}** ({location}; {topic})."},
    {"meeting.confirm_question", "Wil je hem toch plannen?", "Do you want to plan it anyway?"},
    {"meeting.confirm_move_question", "Wil je hem toch verplaatsen?", "Do you want to move it anyway?"},
    {"meeting.planned", "Bijeenkomst #{number} van {network} staat gepland: **{when}**\n- plaats: {location}\n- onderwerp: {topic}\n- voorbereiding: {preparers}",
     "Meeting #{number} of {network} is planned: **{when}**\n- place: {location}\n- topic: {topic}\n- preparers: {preparers}"},
    {"meeting.moved", "Bijeenkomst #{number} van {network} is verplaatst naar **{when}**\n- plaats: {location}\n- onderwerp: {topic}\n- voorbereiding: {preparers}",
     "Meeting #{number} of {network} has moved to **{when}**\n- place: {location}\n- topic: {topic}\n- preparers: {preparers}"},
    {"meeting.announce_planned", "Nieuwe bijeenkomst van {network}: **{when}**, {location}. Onderwerp: {topic}. Voorbereiding: {preparers}.",
     "New meeting of {network}: **{when}**, {location}. Topic: {topic}. Preparers: {preparers}."},
    {"meeting.announce_moved", "De bijeenkomst van {network} is verplaatst naar **{when}**, {location}.",
     "The meeting of {network} has moved to **{when}**, {location}."},
    {"meeting.which", "Welke bijeenkomst bedoel je met \"{typed}\"? Gebruik het nummer uit **bijeenkomsten**, bijvoorbeeld 3.",
     "Which meeting do you mean by \"{typed}\"? Use the number from **meetings**, for example 3."},
    {"meeting.not_found", "{network} heeft geen bijeenkomst #{number}. Typ **bijeenkomsten** voor de lijst.",
     "{network} has no meeting #{number}. Type **meetings** for the list."},
    {"meeting.move_usage", "Zo verplaats je een bijeenkomst: **verplaats bijeenkomst** 3 naar 19 maart 15:30",
     "This is how you move a meeting: **move meeting** 3 to 19 March 15:30"},
    {"meeting.move_closed", "Bijeenkomst #{number} is al voorbij of geannuleerd; die kan niet meer verplaatst worden.",
     "Meeting #{number} is over or cancelled; it can't be moved any more."},
    {"meeting.cancel_usage", "Welke bijeenkomst? Bijvoorbeeld: **annuleer bijeenkomst** 3", "Which meeting? For example: **cancel meeting** 3"},
    {"meeting.cancel_closed", "Bijeenkomst #{number} is al voorbij of geannuleerd.", "Meeting #{number} is over or cancelled already."},
    {"meeting.cancelled", "Bijeenkomst #{number} van {network} op {when} is geannuleerd.", "Meeting #{number} of {network} on {when} is cancelled."},
    {"meeting.announce_cancelled", "De bijeenkomst van {network} op {when} gaat niet door.", "The meeting of {network} on {when} is cancelled."},
    {"meeting.form_title", "Bijeenkomst plannen — {network}", "Plan a meeting — {network}"},
    {"meeting.form_intro", "Alleen de datum en tijd zijn nodig; de rest kan later.", "Only the date and time are needed; the rest can follow."},
    {"meeting.field_when", "Datum en tijd", "Date and time"},
    {"meeting.field_when_example", "12 maart 15:30", "12 March 15:30"},
    {"meeting.field_location", "Plaats", "Place"},
    {"meeting.field_topic", "Onderwerp", "Topic"},
    {"meeting.field_preparers", "Wie bereidt voor?", "Who prepares?"},
    {"meeting.field_preparers_example", "Anna, Bram", "Anna, Bram"},
    {"meeting.form_submit", "Plannen", "Plan"},
    {"meetings.title", "Komende bijeenkomsten van {network}", "Coming meetings of {network}"},
    {"meetings.row_label", "#{number} · {when}", "#{number} · {when}"},
    {"meetings.row_value", "{topic} · {location} · voorbereiding: {preparers}", "{topic} · {location} · preparers: {preparers}"},
    {"meetings.none", "{network} heeft nog geen komende bijeenkomsten.", "{network} has no coming meetings yet."},
    {"meetings.earlier", "En {count} eerdere bijeenkomst(en) in {year}.", "Plus {count} earlier meeting(s) in {year}."},

    // ---- café weeks
    {"cafe_weeks.none", "Voor {year} zijn nog geen caféweken vastgelegd.", "No café weeks have been set for {year} yet."},
    {"cafe_weeks.title", "**Caféweken {year}:**", "**Café weeks {year}:**"},
    {"cafe_weeks.row", "week {week}: {from} t/m {to}", "week {week}: {from} to {to}"},
    {"cafe_weeks.saved", "De caféweken zijn opgeslagen.", "The café weeks have been saved."},
    {"cafe_weeks.bad_week", "\"{typed}\" is geen weeknummer in {year}. Gebruik weeknummers, bijvoorbeeld: **caféweken** 2026-2027: 41, 47, 6, 12, 20",
     "\"{typed}\" is not a week number in {year}. Use week numbers, for example: **café weeks** 2026-2027: 41, 47, 6, 12, 20"},
    {"cafe_weeks.usage", "Noem de weeknummers, bijvoorbeeld: **caféweken** 2026-2027: 41, 47, 6, 12, 20",
     "Name the week numbers, for example: **café weeks** 2026-2027: 41, 47, 6, 12, 20"},

    // ---- confirmations
    {"confirm.nothing", "Er staat niets open om te bevestigen.", "There is nothing waiting for your confirmation."},
    {"confirm.gone", "Deze vraag is al beantwoord of verlopen; er is niets veranderd.", "This question has been answered or has expired; nothing changed."},
    {"confirm.not_yours", "Deze vraag is voor {name}; alleen die kan hem beantwoorden.", "This question is for {name}; only they can answer it."},
    {"confirm.closed_yes", "{name} koos: Ja", "{name} chose: Yes"},
    {"confirm.closed_no", "{name} koos: Nee", "{name} chose: No"},
    {"confirm.closed_gone", "Niet meer geldig", "No longer valid"},
    {"confirm.closed_expired", "Verlopen zonder antwoord", "Expired without an answer"},
    {"confirm.plan_dropped", "Goed, ik heb niets gepland.", "Fine, I have not planned anything."},
    {"confirm.move_dropped", "Goed, de bijeenkomst blijft zoals hij was.", "Fine, the meeting stays as it was."},
    {"confirm.plan_expired", "Je hebt de bijeenkomst niet bevestigd, dus ik heb hem niet gepland. Plan hem opnieuw als je wilt.",
     "You did not confirm the meeting, so I have not planned it. Plan it again if you like."},
    {"confirm.move_expired", "Je hebt het verplaatsen niet bevestigd, dus de bijeenkomst blijft zoals hij was.",
     "You did not confirm the move, so the meeting stays as it was."},

    // ---- RSVP
    {"cmd.rsvp_yes", "**ik kom** — meld je aan voor de volgende bijeenkomst (of **ik kom** 3)", "**i'm coming** — say you come to the next meeting (or **i'm coming** 3)"},
    {"cmd.rsvp_no", "**ik kan niet** reden — meld je af, met een reden als je wilt", "**i can't come** reason — send your apologies, with a reason if you like"},
    {"cmd.attendance", "**wie komt** — wie er komt naar de volgende bijeenkomst", "**who's coming** — who comes to the next meeting"},
    {"help.rsvp_yes", "**ik kom** zegt dat je naar de volgende bijeenkomst van je netwerk komt. Met een nummer erachter (**ik kom** 3) gaat het over die bijeenkomst. Je kunt ook op **Ik kom** klikken bij een herinnering.",
     "**i'm coming** says you come to your network's next meeting. With a number after it (**i'm coming** 3) it is about that meeting. You can also click **I'm coming** on a reminder."},
    {"help.rsvp_no", "**ik kan niet** meldt je af voor de volgende bijeenkomst. Zet er een reden achter als je wilt, bijvoorbeeld **ik kan niet** ouderavond; alleen de organisatoren en procesbegeleiders zien die.",
     "**i can't come** sends your apologies for the next meeting. Add a reason if you like, for example **i can't come** parents' evening; only the organisers and facilitators see it."},
    {"help.attendance", "**wie komt** toont wie er naar de volgende bijeenkomst komt, wie niet kan en wie nog niet heeft gereageerd (**wie komt** 3 voor een andere bijeenkomst).",
     "**who's coming** shows who comes to the next meeting, who can't and who has not answered yet (**who's coming** 3 for another meeting)."},
    {"rsvp.yes_label", "Ik kom", "I'm coming"},
    {"rsvp.no_label", "Ik kan niet", "I can't come"},
    {"rsvp.question", "**Kom je?**", "**Are you coming?**"},
    {"rsvp.counts", "{coming} komen, {not_coming} kunnen niet, {open} nog geen antwoord", "{coming} coming, {not_coming} can't come, {open} not answered yet"},
    {"rsvp.no_meeting", "{network} heeft geen komende bijeenkomst om je voor aan of af te melden.", "{network} has no coming meeting to say you come to or not."},
    {"rsvp.closed", "De bijeenkomst #{number} op {when} is al geweest of gaat niet door; aan- of afmelden kan niet meer.", "Meeting #{number} on {when} is over or cancelled; you can no longer say whether you come."},
    {"rsvp.not_member", "Je zit niet in {network}, dus je kunt je niet aanmelden voor de bijeenkomst op {when}.", "You are not in {network}, so you cannot say you come to the meeting on {when}."},
    {"rsvp.noted_yes", "Genoteerd: je komt naar {network} op **{when}**. Tot dan!", "Noted: you are coming to {network} on **{when}**. See you then!"},
    {"rsvp.noted_no", "Genoteerd: je kunt niet op **{when}**. Wil je een reden geven? Typ dan **ik kan niet** en je reden.", "Noted: you can't come on **{when}**. Want to give a reason? Type **i can't come** and your reason."},
    {"rsvp.noted_no_reason", "Genoteerd: je kunt niet op **{when}** ({reason}). Ik geef het door aan de organisatie.", "Noted: you can't come on **{when}** ({reason}). I'll pass it on to the organisers."},
    {"rsvp.title", "Wie komt naar {network}, {when}?", "Who is coming to {network}, {when}?"},
    {"rsvp.row_coming", "Komen ({count})", "Coming ({count})"},
    {"rsvp.row_not_coming", "Kunnen niet ({count})", "Can't come ({count})"},
    {"rsvp.row_open", "Nog geen antwoord ({count})", "Not answered yet ({count})"},
    {"rsvp.nobody", "niemand", "nobody"},
    {"rsvp.bar_coming", "Komen", "Coming"},
    {"rsvp.footnote", "Aan- of afmelden: **ik kom** of **ik kan niet** met je reden.", "To answer: **i'm coming** or **i can't come** with your reason."},
    {"rsvp.you_were_coming", "je zou komen", "you were coming"},
    {"rsvp.you_were_not_coming", "je had je afgemeld", "you had sent your apologies"},
    {"rsvp.cancelled_notice", "De bijeenkomst van {network} op {before} gaat niet door ({answer}). Je hoeft niets te doen.", "The meeting of {network} on {before} is cancelled ({answer}). You don't need to do anything."},
    {"rsvp.moved_notice", "De bijeenkomst van {network} is verplaatst van {before} naar **{when}** ({answer}). Kom je op de nieuwe datum?", "The meeting of {network} has moved from {before} to **{when}** ({answer}). Are you coming on the new date?"},

    // ---- reminders
    {"cmd.reminders", "**herinneringen** — welke herinneringen het netwerk krijgt, en wanneer", "**reminders** — which reminders the network gets, and when"},
    {"cmd.edit_reminder", "**herinnering** uit 3 / aan 3 / wijzig 3 | 2 dagen voor | 16:00 / toevoegen … — herinneringen aanpassen", "**reminder** off 3 / on 3 / change 3 | 2 days before | 16:00 / add … — adjust reminders"},
    {"help.reminders", "**herinneringen** toont de herinneringen van je netwerk: wat, wanneer, aan wie, en wanneer de volgende komt. Ik stuur niets tussen 18:00 en 08:00, in het weekend of in de schoolvakanties; wat dan zou vallen, komt op het eerstvolgende goede moment.",
     "**reminders** shows your network's reminders: what, when, to whom, and when the next one comes. I send nothing between 18:00 and 08:00, at weekends or in school holidays; what would fall then comes at the next good moment."},
    {"help.edit_reminder", "**herinnering uit** 3 zet herinnering 3 uit, **herinnering aan** 3 weer aan. **herinnering wijzig** 3 | 2 dagen voor | 16:00 | iedereen verandert wanneer en aan wie (groep, iedereen apart, voorbereiders, een rol, of wie nog niet reageerde). **herinnering toevoegen** 7 dagen voor | 09:00 | groep | Neem je lesvoorbeeld mee maakt een eigen herinnering; **herinnering verwijderen** 8 haalt die weer weg.",
     "**reminder off** 3 switches reminder 3 off, **reminder on** 3 back on. **reminder change** 3 | 2 days before | 16:00 | everyone changes when and to whom (group, everyone privately, preparers, a role, or who has not answered). **reminder add** 7 days before | 09:00 | group | Bring a lesson example adds your own reminder; **reminder remove** 8 takes it away again."},
    {"reminder.kind.cafe_week_announcement", "Caféweek-aankondiging", "Café week announcement"},
    {"reminder.kind.preparer_nudge", "Voorbereiding", "Preparation"},
    {"reminder.kind.agenda_call", "Oproep agendapunten", "Call for agenda items"},
    {"reminder.kind.agenda_digest", "Agenda-overzicht", "Agenda overview"},
    {"reminder.kind.meeting_reminder", "Herinnering bijeenkomst", "Meeting reminder"},
    {"reminder.kind.rsvp_nudge", "Nog niet gereageerd", "Not answered yet"},
    {"reminder.kind.evaluation_prompt", "Terugblik", "Looking back"},
    {"reminder.kind.custom", "Eigen herinnering", "Own reminder"},
    {"reminder.when.week_monday_before", "de maandag voor een caféweek", "the Monday before a café week"},
    {"reminder.when.week_monday", "de maandag van een caféweek", "the Monday of a café week"},
    {"reminder.when.week_before", "{days} dagen voor een caféweek", "{days} days before a café week"},
    {"reminder.when.week_after", "{days} dagen na het begin van een caféweek", "{days} days after a café week begins"},
    {"reminder.when.same_day", "op de dag van de bijeenkomst", "on the day of the meeting"},
    {"reminder.when.day_before", "de dag voor de bijeenkomst", "the day before the meeting"},
    {"reminder.when.day_after", "de dag na de bijeenkomst", "the day after the meeting"},
    {"reminder.when.before", "{days} dagen voor de bijeenkomst", "{days} days before the meeting"},
    {"reminder.when.after", "{days} dagen na de bijeenkomst", "{days} days after the meeting"},
    {"reminder.audience.group", "de groep", "the group"},
    {"reminder.audience.members", "iedereen apart", "everyone privately"},
    {"reminder.audience.preparers", "de voorbereiders", "the preparers"},
    {"reminder.audience.not_responded", "wie nog niet reageerde", "who has not answered"},
    {"reminder.audience.role", "elke {role}", "each {role}"},
    {"reminder.rule_line", "{when} om {time}, aan {audience}", "{when} at {time}, to {audience}"},
    {"reminder.rule_line_off", "uit ({when} om {time}, aan {audience})", "off ({when} at {time}, to {audience})"},
    {"reminder.list_title", "Herinneringen van {network}", "Reminders of {network}"},
    {"reminder.list_label", "{number}. {kind}", "{number}. {kind}"},
    {"reminder.next", "volgende: {when}", "next: {when}"},
    {"reminder.value", "{value}", "{value}"},
    {"reminder.list_footnote", "Niets tussen 18:00 en 08:00, in het weekend of in schoolvakanties.", "Nothing between 18:00 and 08:00, at weekends or in school holidays."},
    {"reminder.list_footnote_manage", "Niets tussen 18:00 en 08:00, in het weekend of in schoolvakanties. Aanpassen: **herinnering uit** 3, **herinnering wijzig** 3 | 2 dagen voor | 16:00, **herinnering toevoegen** 7 dagen voor | 09:00 | groep | je tekst.",
     "Nothing between 18:00 and 08:00, at weekends or in school holidays. To adjust: **reminder off** 3, **reminder change** 3 | 2 days before | 16:00, **reminder add** 7 days before | 09:00 | group | your text."},
    {"reminder.edit_usage", "Zo pas je een herinnering aan: **herinnering uit** 3, **herinnering aan** 3, **herinnering wijzig** 3 | 2 dagen voor | 16:00 | groep, **herinnering toevoegen** 7 dagen voor | 09:00 | groep | je tekst, of **herinnering verwijderen** 8. **herinneringen** toont de nummers.",
     "To adjust a reminder: **reminder off** 3, **reminder on** 3, **reminder change** 3 | 2 days before | 16:00 | group, **reminder add** 7 days before | 09:00 | group | your text, or **reminder remove** 8. **reminders** shows the numbers."},
    {"reminder.which", "\"{typed}\" is geen herinnering; kies een nummer van 1 tot {count} (zie **herinneringen**).", "\"{typed}\" is not a reminder; pick a number from 1 to {count} (see **reminders**)."},
    {"reminder.not_understood", "\"{typed}\" begrijp ik niet. Schrijf bijvoorbeeld: 2 dagen voor, de dag na, maandag voor de caféweek, 16:00, groep, iedereen, voorbereiders, procesbegeleiders, wie nog niet reageerde.",
     "I don't understand \"{typed}\". Write for example: 2 days before, the day after, Monday before the café week, 16:00, group, everyone, preparers, facilitators, who has not answered."},
    {"reminder.offset_range", "Een herinnering kan hooguit 60 dagen voor of na de bijeenkomst.", "A reminder can be at most 60 days before or after the meeting."},
    {"reminder.must_be_before", "De {kind} hoort voor de bijeenkomst te komen; kies een aantal dagen voor.", "The {kind} has to come before the meeting; choose a number of days before."},
    {"reminder.must_be_after", "De {kind} hoort na de bijeenkomst te komen; kies een aantal dagen na.", "The {kind} has to come after the meeting; choose a number of days after."},
    {"reminder.must_be_week", "De {kind} hoort bij een caféweek, bijvoorbeeld: maandag voor de caféweek.", "The {kind} belongs to a café week, for example: Monday before the café week."},
    {"reminder.not_responded_needs_meeting", "Wie nog niet reageerde, hoort bij een bijeenkomst; kies dagen voor de bijeenkomst.", "Who has not answered belongs to a meeting; choose days before the meeting."},
    {"reminder.switched_off", "Herinnering {number} ({kind}) staat uit: {rule}.", "Reminder {number} ({kind}) is off: {rule}."},
    {"reminder.switched_on", "Herinnering {number} ({kind}) staat aan: {rule}.", "Reminder {number} ({kind}) is on: {rule}."},
    {"reminder.changed", "Herinnering {number} ({kind}) is aangepast: {rule}.", "Reminder {number} ({kind}) has changed: {rule}."},
    {"reminder.added", "Herinnering {number} is toegevoegd: {rule}.", "Reminder {number} has been added: {rule}."},
    {"reminder.default_not_removed", "Herinnering {number} hoort bij de standaard; zet hem uit met **herinnering uit** {number}.", "Reminder {number} is one of the defaults; switch it off with **reminder off** {number}."},
    {"reminder.removed", "Herinnering {number} is verwijderd.", "Reminder {number} has been removed."},
    {"reminder.add_needs_text", "Wat moet ik sturen? Zet je tekst achteraan, bijvoorbeeld: **herinnering toevoegen** 7 dagen voor | 09:00 | groep | Neem je lesvoorbeeld mee",
     "What should I send? Put your text last, for example: **reminder add** 7 days before | 09:00 | group | Bring a lesson example"},
    {"reminder.add_needs_when", "Wanneer moet ik hem sturen? Bijvoorbeeld: 7 dagen voor, de dag na, of maandag voor de caféweek.", "When should I send it? For example: 7 days before, the day after, or Monday before the café week."},
    {"reminder.text_too_long", "Die tekst is te lang voor een herinnering (hooguit 1000 tekens).", "That text is too long for a reminder (at most 1000 characters)."},
    {"reminder.preparer", "Je bereidt de bijeenkomst van {network} op **{when}** voor ({in}). Onderwerp: {topic}. Spreek de inhoud en werkvorm af met {preparers}, en laat het weten als je hulp nodig hebt.",
     "You are preparing the meeting of {network} on **{when}** ({in}). Topic: {topic}. Agree on content and format with {preparers}, and say so if you need help."},
    {"reminder.preparer_none", "Voor de bijeenkomst van {network} op **{when}** ({in}) bereidt nog niemand iets voor. Wie vraag je?",
     "Nobody is preparing the meeting of {network} on **{when}** ({in}) yet. Whom will you ask?"},
    {"reminder.agenda_call", "{In}: **{network}**, {when}, {location}. Onderwerp: {topic}. Wat wil je op de agenda? Zet je punt hier in het gesprek of stuur het aan {preparers}.",
     "{In}: **{network}**, {when}, {location}. Topic: {topic}. What would you like on the agenda? Post your item here or send it to {preparers}."},
    {"reminder.agenda_call_no_preparers", "{In}: **{network}**, {when}, {location}. Onderwerp: {topic}. Wat wil je op de agenda? Zet je punt hier in het gesprek.",
     "{In}: **{network}**, {when}, {location}. Topic: {topic}. What would you like on the agenda? Post your item here."},
    {"reminder.digest_title", "{In}: {network}", "{In}: {network}"},
    {"reminder.row_when", "Wanneer", "When"},
    {"reminder.row_where", "Waar", "Where"},
    {"reminder.row_topic", "Onderwerp", "Topic"},
    {"reminder.row_preparers", "Voorbereiding", "Preparation"},
    {"reminder.row_attendance", "Aanmeldingen", "Attendance"},
    {"reminder.digest_footnote", "Kun je niet? Typ **ik kan niet** en je reden. **wie komt** toont wie er komt.", "Can't come? Type **i can't come** and your reason. **who's coming** shows who comes."},
    {"reminder.meeting", "**{In}: {network}**\n- Wanneer: {when}\n- Waar: {location}\n- Onderwerp: {topic}\n- Voorbereiding: {preparers}\n- Aanmeldingen: {attendance}\n\nKom je?",
     "**{In}: {network}**\n- When: {when}\n- Where: {location}\n- Topic: {topic}\n- Preparation: {preparers}\n- Attendance: {attendance}\n\nAre you coming?"},
    {"reminder.rsvp_nudge", "Kom je naar {network} op **{when}** ({location})? Laat het even weten, dan kan de organisatie rekenen.", "Are you coming to {network} on **{when}** ({location})? Let us know, so the organisers can plan."},
    {"reminder.evaluation", "Hoe was de bijeenkomst van {network} ({when})? Wat neem je mee, en wat probeer je voor de volgende keer? Deel het hier; de procesbegeleider kan ook een korte evaluatie starten.",
     "How was the meeting of {network} ({when})? What do you take away, and what will you try before next time? Share it here; the facilitator can also start a short evaluation."},
    {"reminder.custom_meeting", "{text}\n\n({network}, {when}, {location})", "{text}\n\n({network}, {when}, {location})"},
    {"reminder.custom_week", "{text}\n\nCaféweek {week}: {from} t/m {to}.", "{text}\n\nCafé week {week}: {from} to {to}."},
    {"reminder.in_days", "over {days} dagen", "in {days} days"},
    {"reminder.in_days_capital", "Over {days} dagen", "In {days} days"},
    {"reminder.tomorrow", "morgen", "tomorrow"},
    {"reminder.tomorrow_capital", "Morgen", "Tomorrow"},
    {"reminder.today", "vandaag", "today"},
    {"reminder.today_capital", "Vandaag", "Today"},
    {"reminder.cafe_week", "**Volgende week is het caféweek** (week {week}: {from} t/m {to}).", "**Next week is a café week** (week {week}: {from} to {to})."},
    {"reminder.cafe_week_now", "**Deze week is het caféweek** (week {week}: {from} t/m {to}).", "**This week is a café week** (week {week}: {from} to {to})."},
    {"reminder.cafe_week_none", "{network} heeft in deze week geen bijeenkomst gepland.", "{network} has no meeting planned in that week."},
    {"reminder.cafe_week_meeting", "- {network}: {when}, {location} — {topic}", "- {network}: {when}, {location} — {topic}"},

    // ---- platforms
    {"matrix.encrypted_room", "Deze ruimte is versleuteld, en versleutelde berichten kan ik nog niet lezen. Gebruik me in een ruimte zonder versleuteling (of in een privéchat die ik zelf met je begin).",
     "This room is encrypted, and I cannot read encrypted messages yet. Use me in a room without encryption (or in a private chat that I start with you)."},

    // ---- joining
    {"welcome.bot_added", "Hoi allemaal! Ik ben de bot van het leernetwerk. Een procesbegeleider koppelt dit gesprek aan een netwerk met **koppel netwerk** naam. Typ **hulp** om te zien wat ik kan.",
     "Hi everyone! I am the learning network's bot. A facilitator links this conversation to a network with **link network** name. Type **help** to see what I can do."},
    {"welcome.bot_added_bound", "Hoi allemaal! Ik ben de bot van {network}. Typ **hulp** om te zien wat ik kan.",
     "Hi everyone! I am the bot of {network}. Type **help** to see what I can do."},
    {"welcome.members", "Welkom {names} bij {network}! Typ **hulp** om te zien wat ik kan.",
     "Welcome {names} to {network}! Type **help** to see what I can do."},

    // ---- console rendering
    {"console.choose", "Antwoord met het nummer (1–{count}) of de tekst van je keuze.", "Answer with the number (1–{count}) or the text of your choice."},
    {"console.choose_many", "Antwoord met de nummers, gescheiden door komma's (hooguit {max}).", "Answer with the numbers, separated by commas (at most {max})."},
    {"console.deadline", "Antwoord vóór {when}.", "Answer before {when}."},
    {"console.anonymous", "Je antwoord is anoniem.", "Your answer is anonymous."},
    {"console.form_hint", "Vul het formulier in door per regel veld=waarde te typen en sluit af met een lege regel, of typ de opdracht op één regel.",
     "Fill in the form by typing field=value per line and finish with an empty line, or type the command on one line."},
    {"console.updated", "bijgewerkt", "updated"},
    {"console.required", "verplicht", "required"},
    {"console.example", "bv. {example}", "e.g. {example}"},

    // ---- personal data ("wat bewaar ik?")
    {"cmd.my_data", "**mijn gegevens** — wat ik over je bewaar (**mijn gegevens export** voor alles)", "**my data** — what I keep about you (**my data export** for all of it)"},
    {"cmd.forget_me", "**vergeet mij** — wis alles wat ik over je bewaar", "**forget me** — erase everything I keep about you"},
    {"help.my_data", "**mijn gegevens** laat je in een privébericht zien wat ik over je bewaar: je profiel, je accounts, je netwerken en hoeveel aanmeldingen en berichten. **mijn gegevens export** zet alles op een rij, met elke aanmelding en reden.",
     "**my data** shows you, in a private message, what I keep about you: your profile, your accounts, your networks and how many RSVPs and messages. **my data export** lists all of it, with every RSVP and reason."},
    {"help.forget_me", "**vergeet mij** wist na je bevestiging alles wat ik over je bewaar: profiel, expertise, accounts, lidmaatschappen, aanmeldingen en berichten aan jou. Wat je in een groep schreef blijft daar staan.",
     "**forget me** erases, once you confirm, everything I keep about you: profile, expertise, accounts, memberships, RSVPs and messages to you. What you wrote in a group stays there."},
    {"mydata.stranger", "Ik ken je niet als lid van een netwerk, dus ik bewaar niets over je.", "I don't know you as a member of a network, so I keep nothing about you."},
    {"mydata.usage", "Typ **mijn gegevens** voor een overzicht of **mijn gegevens export** voor alles.", "Type **my data** for an overview or **my data export** for everything."},
    {"mydata.title", "**Wat ik over je bewaar**", "**What I keep about you**"},
    {"mydata.export_title", "**Alles wat ik over je bewaar**", "**Everything I keep about you**"},
    {"mydata.none", "niets", "nothing"},
    {"mydata.profile", "**Profiel**", "**Profile**"},
    {"mydata.name", "Naam: {name}", "Name: {name}"},
    {"mydata.school", "School: {school}", "School: {school}"},
    {"mydata.language", "Taal: {language}", "Language: {language}"},
    {"mydata.language_default", "de standaardtaal", "the default language"},
    {"mydata.expertise", "Expertise: {tags}", "Expertise: {tags}"},
    {"mydata.since", "Bekend sinds {date}", "Known since {date}"},
    {"mydata.accounts", "**Accounts waarmee je me bereikt**", "**Accounts you reach me from**"},
    {"mydata.account", "{platform}: {id}", "{platform}: {id}"},
    {"mydata.networks", "**Netwerken**", "**Networks**"},
    {"mydata.membership", "{network}: {role}, sinds {date}", "{network}: {role}, since {date}"},
    {"mydata.past_membership", "{network}: {role}, van {from} tot {until}", "{network}: {role}, from {from} until {until}"},
    {"mydata.counts", "**Bijeenkomsten:** {rsvps} aanmelding(en) of afmelding(en), voorbereider van {preparing} bijeenkomst(en).", "**Meetings:** {rsvps} RSVP(s), preparer of {preparing} meeting(s)."},
    {"mydata.rsvps", "**Aan- en afmeldingen**", "**RSVPs**"},
    {"mydata.rsvp_coming", "{network}, {date}: ik kom", "{network}, {date}: coming"},
    {"mydata.rsvp_not_coming", "{network}, {date}: ik kan niet", "{network}, {date}: not coming"},
    {"mydata.rsvp_reason", "({reason})", "({reason})"},
    {"mydata.preparing", "**Bijeenkomsten die je voorbereidt**", "**Meetings you prepare**"},
    {"mydata.preparer", "{network}, {date}", "{network}, {date}"},
    {"mydata.messages", "**Berichten:** ik bewaar {messages} bericht(en) aan jou, tot {days} dagen na verzenden. Open vragen aan jou: {open}.", "**Messages:** I keep {messages} message(s) to you, until {days} days after sending. Open questions to you: {open}."},
    {"mydata.not_kept", "Anonieme antwoorden zijn niet aan jou gekoppeld: die kan niemand aan jou koppelen, ik ook niet.", "Anonymous answers are not linked to you: nobody can link them to you, not even me."},
    {"mydata.more", "Typ **mijn gegevens export** voor alles op een rij, of **vergeet mij** om alles te laten wissen.", "Type **my data export** for all of it, or **forget me** to have it erased."},
    {"forget.question", "Wil je dat ik alles over je wis? Je profiel, expertise, accounts, lidmaatschappen, aanmeldingen en berichten aan jou zijn dan weg, en je bent geen lid meer van je netwerken. Dit kan niet ongedaan worden gemaakt.", "Do you want me to erase everything about you? Your profile, expertise, accounts, memberships, RSVPs and messages to you will be gone, and you will no longer be a member of your networks. This cannot be undone."},
    {"forget.last_manager", "Let op: je bent de enige die {networks} beheert. Vraag eerst iemand anders om die rol over te nemen.", "Note: you are the only one who manages {networks}. Ask someone else to take over that role first."},
    {"forget.yes", "Ja, wis alles", "Yes, erase everything"},
    {"forget.closed_no", "Niets gewist.", "Nothing erased."},
    {"forget.kept", "Goed, ik heb niets gewist.", "All right, I erased nothing."},
    {"forget.done", "Klaar: ik heb alles over je gewist. Wil je later weer meedoen, vraag dan de procesbegeleider om je toe te voegen.", "Done: I erased everything about you. If you want to join again later, ask the facilitator to add you."},
    {"forget.expired", "Je hebt niet binnen een dag bevestigd, dus ik heb niets gewist. Typ **vergeet mij** als je het alsnog wilt.", "You did not confirm within a day, so I erased nothing. Type **forget me** if you still want to."},
};
// clang-format on

const Entry* find_entry(std::string_view key) {
    for (const auto& entry : kCatalogue) {
        if (entry.key == key) {
            return &entry;
        }
    }
    return nullptr;
}

}  // namespace

std::string tr(Lang lang, std::string_view key, const MessageArgs& args) {
    const auto* entry = find_entry(key);
    if (entry == nullptr) {
        return "[" + std::string(key) + "]";
    }
    const auto text = lang == Lang::nl ? entry->nl : entry->en;
    std::string out;
    out.reserve(text.size() + 32);
    for (std::size_t i = 0; i < text.size();) {
        if (text[i] == '{') {
            const auto close = text.find('}', i);
            if (close != std::string_view::npos) {
                const auto name = text.substr(i + 1, close - i - 1);
                const auto found = std::find_if(args.begin(), args.end(),
                                                [&](const auto& arg) { return arg.first == name; });
                if (found != args.end()) {
                    out += escape_markdown(found->second);  // data never becomes markup
                    i = close + 1;
                    continue;
                }
            }
        }
        out += text[i];
        ++i;
    }
    return out;
}

std::vector<std::string_view> catalogue_keys() {
    std::vector<std::string_view> keys;
    for (const auto& entry : kCatalogue) {
        keys.push_back(entry.key);
    }
    return keys;
}

std::string_view catalogue_template(Lang lang, std::string_view key) {
    const auto* entry = find_entry(key);
    if (entry == nullptr) {
        return {};
    }
    return lang == Lang::nl ? entry->nl : entry->en;
}

}  // namespace leernetwerk
