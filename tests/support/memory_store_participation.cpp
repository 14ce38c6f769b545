// MemoryStore: attendance lists, hours corrections, gifts and closed years, with what erasing
// and merging members does to them (as storage/sqlite/attendance.cpp, hours.cpp,
// personal_data.cpp and members.cpp).
#include <algorithm>

#include "support/memory_store.hpp"

namespace leernetwerk::testing {

bool MemoryStore::open_attendance(Id meeting_id, Instant now) {
    if (!state_.meetings.contains(meeting_id)) {
        throw StoreError("open_attendance: no meeting " + std::to_string(meeting_id));
    }
    return state_.attendance_lists.try_emplace(meeting_id, AttendanceList{meeting_id, now, {}, {}})
        .second;
}

std::optional<AttendanceList> MemoryStore::attendance_list(Id meeting_id) {
    const auto it = state_.attendance_lists.find(meeting_id);
    if (it == state_.attendance_lists.end()) {
        return std::nullopt;
    }
    return it->second;
}

void MemoryStore::close_attendance(Id meeting_id, Instant now) {
    const auto it = state_.attendance_lists.find(meeting_id);
    if (it != state_.attendance_lists.end() && !it->second.closed_at) {
        it->second.closed_at = now;
    }
}

void MemoryStore::reopen_attendance(Id meeting_id) {
    const auto it = state_.attendance_lists.find(meeting_id);
    if (it != state_.attendance_lists.end()) {
        it->second.closed_at.reset();
    }
}

void MemoryStore::set_attendance_card(Id meeting_id, Id message_id) {
    const auto it = state_.attendance_lists.find(meeting_id);
    if (it != state_.attendance_lists.end()) {
        it->second.card_message_id = message_id;
    }
}

void MemoryStore::set_attendance(const AttendanceMark& mark) {
    if (!state_.meetings.contains(mark.meeting_id)) {
        throw StoreError("set_attendance: no meeting " + std::to_string(mark.meeting_id));
    }
    state_.attendance[{mark.meeting_id, mark.member_id}] = mark;
}

std::vector<AttendanceMark> MemoryStore::attendance_of(Id meeting_id) {
    std::vector<AttendanceMark> out;
    for (const auto& [key, mark] : state_.attendance) {
        if (key.first == meeting_id) {
            out.push_back(mark);
        }
    }
    return out;  // by member id: the map's order
}

std::vector<AttendanceMark> MemoryStore::attendance_of_member(Id member_id) {
    std::vector<AttendanceMark> out;
    for (const auto& [key, mark] : state_.attendance) {
        if (key.second == member_id) {
            out.push_back(mark);
        }
    }
    std::stable_sort(out.begin(), out.end(), [&](const auto& a, const auto& b) {
        const auto& x = state_.meetings.at(a.meeting_id);
        const auto& y = state_.meetings.at(b.meeting_id);
        return std::pair{x.starts_at, x.id} < std::pair{y.starts_at, y.id};
    });
    return out;
}

Id MemoryStore::add_hours_correction(const HoursCorrection& correction) {
    auto stored = correction;
    stored.id = ++state_.hours_correction_seq;
    state_.hours_corrections[stored.id] = stored;
    return stored.id;
}

std::vector<HoursCorrection> MemoryStore::hours_corrections(Id network_id, int school_year) {
    std::vector<HoursCorrection> out;
    for (const auto& [id, correction] : state_.hours_corrections) {
        if (correction.network_id == network_id && correction.school_year == school_year) {
            out.push_back(correction);
        }
    }
    return out;
}

std::vector<HoursCorrection> MemoryStore::hours_corrections_of_member(Id member_id) {
    std::vector<HoursCorrection> out;
    for (const auto& [id, correction] : state_.hours_corrections) {
        if (correction.member_id == member_id) {
            out.push_back(correction);
        }
    }
    return out;
}

Id MemoryStore::add_gift(const Gift& gift) {
    auto stored = gift;
    stored.id = ++state_.gift_seq;
    stored.number = 0;
    for (const auto& [id, other] : state_.gifts) {
        if (other.network_id == gift.network_id && other.school_year == gift.school_year) {
            stored.number = std::max(stored.number, other.number);
        }
    }
    ++stored.number;
    state_.gifts[stored.id] = stored;
    return stored.id;
}

std::vector<Gift> MemoryStore::gifts(Id network_id, int school_year) {
    std::vector<Gift> out;
    for (const auto& [id, gift] : state_.gifts) {
        if (gift.network_id == network_id && gift.school_year == school_year) {
            out.push_back(gift);
        }
    }
    std::sort(out.begin(), out.end(),
              [](const Gift& a, const Gift& b) { return a.number < b.number; });
    return out;
}

std::vector<Gift> MemoryStore::gifts_of_member(Id member_id) {
    std::vector<Gift> out;
    for (const auto& [id, gift] : state_.gifts) {
        if (gift.member_id == member_id) {
            out.push_back(gift);
        }
    }
    return out;
}

void MemoryStore::mark_gift_given(Id gift_id, Instant now) {
    const auto it = state_.gifts.find(gift_id);
    if (it != state_.gifts.end() && it->second.status == GiftStatus::due) {
        it->second.status = GiftStatus::given;
        it->second.given_at = now;
    }
}

void MemoryStore::close_year(const YearClosure& closure) {
    state_.year_closures.try_emplace({closure.network_id, closure.school_year}, closure);
}

std::optional<YearClosure> MemoryStore::year_closure(Id network_id, int school_year) {
    const auto it = state_.year_closures.find({network_id, school_year});
    if (it == state_.year_closures.end()) {
        return std::nullopt;
    }
    return it->second;
}

void MemoryStore::erase_participation(Id member_id) {
    // The next negative number, shared by this member's rows only (as SqliteStore::erase_member).
    Id nobody = 0;
    for (const auto& [key, mark] : state_.attendance) {
        nobody = std::min(nobody, key.second);
    }
    for (const auto& [id, correction] : state_.hours_corrections) {
        nobody = std::min(nobody, correction.member_id);
    }
    --nobody;
    std::map<std::pair<Id, Id>, AttendanceMark> rekeyed;
    for (auto& [key, mark] : state_.attendance) {
        if (key.second == member_id) {
            mark.member_id = nobody;
        }
        rekeyed[{key.first, mark.member_id}] = mark;
    }
    state_.attendance = std::move(rekeyed);
    for (auto& [id, correction] : state_.hours_corrections) {
        if (correction.member_id == member_id) {
            correction.member_id = nobody;
        }
        if (correction.by_member_id == member_id) {
            correction.by_member_id.reset();
        }
    }
    for (auto& [id, gift] : state_.gifts) {
        if (gift.member_id == member_id) {
            gift.member_id.reset();
            gift.name.clear();
            gift.school.clear();
        }
    }
}

void MemoryStore::merge_participation(Id into, Id from) {
    std::map<std::pair<Id, Id>, AttendanceMark> merged;
    for (const auto& [key, mark] : state_.attendance) {
        if (key.second != from) {
            merged[key] = mark;
        }
    }
    for (const auto& [key, mark] : state_.attendance) {
        if (key.second != from) {
            continue;
        }
        const auto mine = merged.find({key.first, into});
        if (mine == merged.end()) {
            auto moved = mark;
            moved.member_id = into;
            merged[{key.first, into}] = moved;
        } else if (mark.present) {
            mine->second.present = true;
        }
    }
    state_.attendance = std::move(merged);
    for (auto& [id, correction] : state_.hours_corrections) {
        if (correction.member_id == from) {
            correction.member_id = into;
        }
        if (correction.by_member_id == from) {
            correction.by_member_id = into;
        }
    }
    for (auto& [id, gift] : state_.gifts) {
        if (gift.member_id == from) {
            gift.member_id = into;
        }
    }
}

}  // namespace leernetwerk::testing
