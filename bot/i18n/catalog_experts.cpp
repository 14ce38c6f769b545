// What the bot says about external expert requests (bot/features/experts), Dutch and English.
#include "bot/i18n/catalog_parts.hpp"

namespace leernetwerk {
namespace {

// clang-format off
constexpr CatalogEntry kExperts[] = {
    // ---- commands and help
    {"cmd.expert_request", "**externe deskundige** onderwerp | doel | naam | organisatie | offerte | 3, 4 | onafhankelijk", "**external expert** topic | goal | name | organisation | quote | 3, 4 | independent"},
    {"help.expert_request", "**externe deskundige** vraagt de adviseur onderwijs en kwaliteit om een externe deskundige in te huren voor één of twee bijeenkomsten. Zonder iets erachter krijg je een formulier. Getypt: **externe deskundige** Rekenproblemen signaleren | Leerkrachten herkennen dyscalculie eerder | Dr. Jansen | Rekenlab | https://rekenlab.nl/offerte-12 | 3, 4 | onafhankelijk\nDe offerte is een https-link of een korte verwijzing naar een bijlage (\"bijlage in mijn mail van 3 maart\"). De deskundige moet een onafhankelijke partij zijn, geen HSN-medewerker. Per schooljaar kan een café voor hoogstens twee bijeenkomsten een externe deskundige aanvragen.",
     "**external expert** asks the adviser education & quality to hire an external expert for one or two meetings. With nothing after it you get a form. Typed: **external expert** Spotting maths difficulties | Teachers recognise dyscalculia earlier | Dr. Jansen | Rekenlab | https://rekenlab.nl/quote-12 | 3, 4 | independent\nThe quote is an https link or a short reference to an attachment (\"attached to my e-mail of 3 March\"). The expert must be an independent party, not an HSN employee. A café can request an external expert for at most two meetings per school year."},
    {"cmd.expert_requests", "**deskundigen** — de aanvragen voor een externe deskundige", "**experts** — the external expert requests"},
    {"help.expert_requests", "**deskundigen** toont de aanvragen voor een externe deskundige van je netwerk, met hun status. De adviseur onderwijs en kwaliteit ziet die van alle netwerken.",
     "**experts** shows your network's external expert requests with their status. The adviser education & quality sees those of every network."},
    {"cmd.expert", "**deskundige** 2 [goedkeuren|afwijzen <reden>|intrekken] — één aanvraag", "**expert** 2 [approve|decline <reason>|withdraw] — one request"},
    {"help.expert", "**deskundige 2** toont aanvraag 2. De adviseur onderwijs en kwaliteit beslist met **deskundige 2 goedkeuren** <reden> of **deskundige 2 afwijzen** <reden> (of met de knoppen op de kaart). **deskundige 2 intrekken** trekt een aanvraag in zolang er nog niet over beslist is (voor wie hem deed en voor procesbegeleiders).",
     "**expert 2** shows request 2. The adviser education & quality decides with **expert 2 approve** <reason> or **expert 2 decline** <reason> (or with the buttons on the card). **expert 2 withdraw** withdraws a request while it is undecided (for whoever made it and for facilitators)."},
    {"expert.usage", "Typ **deskundige** met het nummer van een aanvraag, bijvoorbeeld **deskundige 2**, **deskundige 2 goedkeuren** <reden> of **deskundige 2 intrekken**. **deskundigen** geeft de lijst.",
     "Type **expert** with a request's number, for example **expert 2**, **expert 2 approve** <reason> or **expert 2 withdraw**. **experts** gives the list."},

    // ---- statuses and labels
    {"expert.status.pending", "wacht op de adviseur", "waiting for the adviser"},
    {"expert.status.approved", "goedgekeurd", "approved"},
    {"expert.status.declined", "afgewezen", "declined"},
    {"expert.status.withdrawn", "ingetrokken", "withdrawn"},
    {"expert.someone", "iemand", "someone"},
    {"expert.decided_by", "{status} door {name} op {when}", "{status} by {name} on {when}"},
    {"expert.reason_line", "— reden: {reason}", "— reason: {reason}"},
    {"expert.no_reason", "(geen reden gegeven)", "(no reason given)"},
    {"expert.facts", "**Aanvraag externe deskundige {number}** — {network}\nAangevraagd door: {requester}\nOnderwerp: {topic}\nDoel: {goal}\nDeskundige: {expert} ({organisation})\nOfferte: {quote}\nBijeenkomsten: {meetings}\nOnafhankelijk: bevestigd, geen HSN-medewerker",
     "**External expert request {number}** — {network}\nRequested by: {requester}\nTopic: {topic}\nGoal: {goal}\nExpert: {expert} ({organisation})\nQuote: {quote}\nMeetings: {meetings}\nIndependent: confirmed, not an HSN employee"},
    {"expert.status_line", "Status:", "Status:"},
    {"expert.on_meeting", "externe deskundige: {expert} ({organisation})", "external expert: {expert} ({organisation})"},

    // ---- the request
    {"expert.form_title", "Externe deskundige aanvragen — {network}", "Request an external expert — {network}"},
    {"expert.form_intro", "Je aanvraag gaat naar de adviseur onderwijs en kwaliteit. Een externe deskundige kan voor één of twee bijeenkomsten komen, hoogstens {max} per schooljaar voor dit café.",
     "Your request goes to the adviser education & quality. An external expert can come to one or two meetings, at most {max} per school year for this café."},
    {"expert.form_submit", "Versturen", "Send"},
    {"expert.form_used", "Dit formulier is al verstuurd of verlopen.", "This form was sent already or has expired."},
    {"expert.form_closed", "Verstuurd door {name}.", "Sent by {name}."},
    {"expert.field_topic", "Onderwerp", "Topic"},
    {"expert.field_goal", "Doel", "Goal"},
    {"expert.field_expert", "Naam van de deskundige", "Name of the expert"},
    {"expert.field_organisation", "Organisatie", "Organisation"},
    {"expert.field_quote", "Offerte (https-link of bijlage)", "Quote (https link or attachment)"},
    {"expert.field_quote_example", "https://… of: bijlage in mijn mail van 3 maart", "https://… or: attached to my e-mail of 3 March"},
    {"expert.field_meetings", "Bijeenkomsten (nummers)", "Meetings (numbers)"},
    {"expert.field_meetings_example", "3 of 3, 4", "3 or 3, 4"},
    {"expert.field_independent", "De deskundige is een onafhankelijke partij, geen HSN-medewerker", "The expert is an independent party, not an HSN employee"},
    {"expert.coming_meetings", "Komende bijeenkomsten: {meetings}.", "Coming meetings: {meetings}."},
    {"expert.no_coming_meetings", "Er staat nog geen bijeenkomst gepland: plan er eerst een met **plan bijeenkomst**.", "No meeting is planned yet: plan one first with **plan meeting**."},
    {"expert.missing", "Vul ook **{field}** in. Typ: **externe deskundige** onderwerp | doel | naam | organisatie | offerte | 3, 4 | onafhankelijk, of alleen **externe deskundige** voor het formulier.",
     "Please fill in **{field}** too. Type: **external expert** topic | goal | name | organisation | quote | 3, 4 | independent, or just **external expert** for the form."},
    {"expert.not_independent", "Ik kan de aanvraag alleen versturen als je bevestigt dat de deskundige een onafhankelijke partij is, geen HSN-medewerker. Dat is een regel van HSN, om twee redenen: inhuren mag geen verkapt dienstverband worden (schijnzelfstandigheid), en HSN-medewerkers in netwerken worden allemaal gelijk behandeld, zonder schijn van dubbele petten. Zet **onafhankelijk** als laatste deel, of vink het aan in het formulier.",
     "I can only send the request once you confirm the expert is an independent party, not an HSN employee. That is an HSN rule, for two reasons: hiring must not become disguised employment (false self-employment), and HSN staff in networks are all treated equally, with no appearance of double standards. Add **independent** as the last part, or tick it in the form."},
    {"expert.too_long", "**{field}** is te lang: hoogstens {max} tekens.", "**{field}** is too long: at most {max} characters."},
    {"expert.quote_link", "\"{typed}\" kan ik niet als offerte doorsturen: een link moet met https:// beginnen. Een korte verwijzing naar een bijlage mag ook (\"bijlage in mijn mail van 3 maart\").",
     "I cannot pass \"{typed}\" on as the quote: a link must start with https://. A short reference to an attachment is fine too (\"attached to my e-mail of 3 March\")."},
    {"expert.meetings_unreadable", "\"{typed}\" lees ik niet als nummers van bijeenkomsten. Typ er één of twee, zoals **3** of **3, 4**.",
     "I cannot read \"{typed}\" as meeting numbers. Type one or two, like **3** or **3, 4**."},
    {"expert.too_many_meetings", "Een externe deskundige kan voor één of twee bijeenkomsten komen, niet voor {count}.", "An external expert can come to one or two meetings, not {count}."},
    {"expert.meeting_unknown", "{network} heeft geen bijeenkomst #{number}. Typ **bijeenkomsten** voor de lijst.", "{network} has no meeting #{number}. Type **meetings** for the list."},
    {"expert.meeting_cancelled", "Bijeenkomst #{number} van {network} is geannuleerd: daar kan geen externe deskundige voor komen.", "Meeting #{number} of {network} was cancelled: no external expert can come to it."},
    {"expert.meeting_past", "Bijeenkomst #{number} van {network} is al geweest: vraag een externe deskundige aan voor een bijeenkomst die nog komt.", "Meeting #{number} of {network} is over: request an external expert for a meeting still to come."},
    {"expert.two_years", "De bijeenkomsten vallen in twee schooljaren: doe voor elk schooljaar een aparte aanvraag.", "The meetings fall in two school years: make a separate request for each."},
    {"expert.meeting_taken", "Voor bijeenkomst #{meeting} is al aanvraag {number} gedaan ({status}).", "Request {number} was already made for meeting #{meeting} ({status})."},
    {"expert.limit", "{network} kan per schooljaar voor hoogstens {max} {max:bijeenkomst|bijeenkomsten} een externe deskundige aanvragen. In {year} is dat al gedaan voor {used}: {meetings}. Ik heb niets verstuurd. Trek eerst een aanvraag in (**deskundige 2 intrekken**) als je liever een andere bijeenkomst kiest.",
     "{network} can request an external expert for at most {max} {max:meeting|meetings} per school year. In {year} that was done for {used} already: {meetings}. I sent nothing. Withdraw a request first (**expert 2 withdraw**) if you would rather choose another meeting."},
    {"expert.sent", "Aanvraag {number} voor een externe deskundige ({meetings}) is verstuurd naar de adviseur onderwijs en kwaliteit: {advisers}. Je hoort het als er een besluit is. **deskundigen** toont de stand.",
     "Request {number} for an external expert ({meetings}) was sent to the adviser education & quality: {advisers}. You will hear when it is decided. **experts** shows where it stands."},
    {"expert.sent_no_adviser", "Aanvraag {number} voor een externe deskundige ({meetings}) is bewaard, maar deze installatie noemt nog geen adviseur onderwijs en kwaliteit, dus niemand kan erover beslissen. Vraag de beheerder om de adviseur in te stellen ([participation] advisers in de configuratie).",
     "Request {number} for an external expert ({meetings}) is stored, but this installation names no adviser education & quality yet, so nobody can decide on it. Ask the administrator to set the adviser ([participation] advisers in the configuration)."},

    // ---- the adviser's decision
    {"expert.card_ask", "Keur je deze externe deskundige goed? Na je klik vraag ik je om een reden, die de procesbegeleider te lezen krijgt.", "Do you approve this external expert? After your click I will ask for a reason, which the facilitator gets to read."},
    {"expert.approve", "Goedkeuren", "Approve"},
    {"expert.decline", "Afwijzen", "Decline"},
    {"expert.verb_approve", "goedkeuren", "approve"},
    {"expert.verb_decline", "afwijzen", "decline"},
    {"expert.reason_title_approve", "Aanvraag {number} goedkeuren", "Approve request {number}"},
    {"expert.reason_title_decline", "Aanvraag {number} afwijzen", "Decline request {number}"},
    {"expert.reason_intro", "Wat is je reden? De procesbegeleider krijgt hem te lezen. Typen kan ook: **deskundige {number} {verb}** <reden>.", "What is your reason? The facilitator gets to read it. You can also type: **expert {number} {verb}** <reason>."},
    {"expert.field_reason", "Reden", "Reason"},
    {"expert.reason_needed", "Zet er een reden bij, zodat de procesbegeleider weet waarom: **deskundige {number} afwijzen** <reden>.", "Please add a reason, so the facilitator knows why: **expert {number} decline** <reason>."},
    {"expert.reason_too_long", "De reden is te lang: hoogstens {max} tekens.", "The reason is too long: at most {max} characters."},
    {"expert.reason_replaced", "Vervangen door een nieuw formulier.", "Replaced by a new form."},
    {"expert.reason_expired", "Het formulier voor je besluit is verlopen; de aanvraag wacht nog. Klik opnieuw op Goedkeuren of Afwijzen, of typ **deskundigen** voor de lijst.", "The form for your decision has expired; the request is still waiting. Click Approve or Decline again, or type **experts** for the list."},
    {"expert.not_adviser", "Alleen de adviseur onderwijs en kwaliteit kan over een aanvraag voor een externe deskundige beslissen. Er is niets veranderd.", "Only the adviser education & quality can decide on an external expert request. Nothing was changed."},
    {"expert.already_decided", "Over aanvraag {number} is al beslist:", "Request {number} was decided already:"},
    {"expert.approved", "Aanvraag {number} van {network} is goedgekeurd. Ik laat het de procesbegeleiders weten en zet de deskundige bij de bijeenkomsten.", "Request {number} of {network} is approved. I will tell the facilitators and show the expert with the meetings."},
    {"expert.declined", "Aanvraag {number} van {network} is afgewezen. Ik laat het de procesbegeleiders weten, met je reden.", "Request {number} of {network} is declined. I will tell the facilitators, with your reason."},
    {"expert.approved_notice", "Goed nieuws: {adviser} heeft aanvraag {number} van {network} goedgekeurd. {expert} ({organisation}) komt naar {meetings}. Reden: {reason}",
     "Good news: {adviser} approved request {number} of {network}. {expert} ({organisation}) will come to {meetings}. Reason: {reason}"},
    {"expert.declined_notice", "{adviser} heeft aanvraag {number} van {network} ({expert}, {organisation}) afgewezen. Reden: {reason}",
     "{adviser} declined request {number} of {network} ({expert}, {organisation}). Reason: {reason}"},
    {"expert.announce", "Er komt een externe deskundige: {expert} ({organisation}) over {topic}, bij {meetings}.", "An external expert is coming: {expert} ({organisation}) on {topic}, at {meetings}."},

    // ---- looking up, withdrawing, the list
    {"expert.not_found", "Ik ken geen aanvraag {number} voor een externe deskundige in je netwerken. Typ **deskundigen** voor de lijst.", "I know no external expert request {number} in your networks. Type **experts** for the list."},
    {"expert.which_network", "Aanvraag {number} bestaat in {networks}. Zet het netwerk erachter, bijvoorbeeld: **deskundige {number} … in {example}**.", "Request {number} exists in {networks}. Add the network at the end, for example: **expert {number} … in {example}**."},
    {"expert.withdraw_refused", "Alleen wie aanvraag {number} deed, of een procesbegeleider van het netwerk, kan hem intrekken.", "Only whoever made request {number}, or a facilitator of the network, can withdraw it."},
    {"expert.withdrawn", "Aanvraag {number} is ingetrokken.", "Request {number} is withdrawn."},
    {"expert.list_title", "**Aanvragen externe deskundige — {network}**", "**External expert requests — {network}**"},
    {"expert.list_row", "{number} · {status} · {topic} · {expert} ({organisation}) · {meetings}", "{number} · {status} · {topic} · {expert} ({organisation}) · {meetings}"},
    {"expert.list_none", "{network} heeft nog geen aanvragen voor een externe deskundige. **externe deskundige** begint er een.", "{network} has no external expert requests yet. **external expert** starts one."},
    {"expert.list_none_anywhere", "Er zijn nog geen aanvragen voor een externe deskundige.", "There are no external expert requests yet."},
    {"expert.list_adviser_hint", "Beslissen: **deskundige 2 goedkeuren** <reden> of **deskundige 2 afwijzen** <reden> (met **in <netwerk>** erachter als het nummer in meer netwerken voorkomt).", "To decide: **expert 2 approve** <reason> or **expert 2 decline** <reason> (with **in <network>** at the end when the number exists in more networks)."},
    {"expert.mydata_title", "**Je aanvragen voor een externe deskundige**", "**Your external expert requests**"},
    {"expert.mydata_row", "{network}: aanvraag {number}, {topic} — {expert} ({organisation}), {status}", "{network}: request {number}, {topic} — {expert} ({organisation}), {status}"},
};
// clang-format on

}  // namespace

std::span<const CatalogEntry> experts_catalogue() { return kExperts; }

}  // namespace leernetwerk
