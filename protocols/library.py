"""The protocol templates rehab ships with: evidence-based plans for bone stress injuries (BSI).

Pure data, no Django: `TEMPLATES` (a tuple of template dicts) and `CITATIONS` (key -> full
reference) are what the seeding code turns into `ProtocolTemplate` / `PhaseTemplate` rows, and
what tests and the what-if screens read directly.

Every number taken from the literature is cited through the phase's `citations`. Numbers the
literature does not validate (minimum days per phase, hop counts, pain limits, rest after a
flare) are clinic conventions and the phase notes say so: "clinic protocol, not an
evidence-based threshold". A template is a starting point; the clinician edits the plan.

Criteria use the language of docs/criteria.md (`advance_when`, `regress_when`, `warn_when`). A
phase's `min_days` is always the `days` of its `min_days_in_phase` criterion.
"""

from __future__ import annotations

import copy
from typing import Any, NamedTuple

from athletes.sites import SITE_RISK, SITES, TRABECULAR_SITES

__all__ = [
    "CITATIONS",
    "CLINIC_PROTOCOL",
    "SITE_LABELS",
    "SITE_RISK",
    "TEMPLATES",
    "TRABECULAR_SITES",
    "TYPICAL_RETURN_DAYS",
    "ReturnTime",
    "days_to_return",
    "get_template",
    "suggest",
]

CLINIC_PROTOCOL = "clinic protocol, not an evidence-based threshold"

# --- sites ------------------------------------------------------------------------------------

# The site vocabulary and its two kinds of risk live in athletes.sites (one place). The
# compression side of the femoral neck is "low" there; its own template is still the
# protective femoral-neck one (see `suggest`).
SITE_LABELS: dict[str, str] = {s.code: s.label for s in SITES}


class ReturnTime(NamedTuple):
    """Pooled time to return to sport in days, with its 95% confidence interval and source."""

    days: int
    ci_low: int
    ci_high: int
    citation: str


# Hoenig et al., BJSM 2023 (76 studies, 2,974 BSIs). The femoral neck figure is pooled over the
# femoral neck as a whole, so both sides carry it. Sites without a pooled figure: None.
TYPICAL_RETURN_DAYS: dict[str, ReturnTime | None] = {site: None for site in SITE_RISK} | {
    "navicular": ReturnTime(127, 102, 151, "hoenig2023"),
    "femoral_neck_tension": ReturnTime(107, 79, 135, "hoenig2023"),
    "femoral_neck_compression": ReturnTime(107, 79, 135, "hoenig2023"),
    "fibula": ReturnTime(56, 13, 100, "hoenig2023"),
    "posteromedial_tibia": ReturnTime(44, 27, 61, "hoenig2023"),
}

# --- references -------------------------------------------------------------------------------

CITATIONS: dict[str, str] = {
    "diehl2006": (
        "Diehl JJ, Best TM, Kaeding CC. Classification and return-to-play considerations for "
        "stress fractures. Clin Sports Med 2006;25(1):17-28. Supports: high- versus low-risk "
        "sites by healing-complication risk (non-union, displacement, slow return)."
    ),
    "hoenig2023": (
        "Hoenig T, Eissele J, Strahl A, et al. Return to sport following low-risk and high-risk "
        "bone stress injuries: a systematic review and meta-analysis. Br J Sports Med "
        "2023;57(7):427-32 (76 studies, 2,974 BSIs). Supports: site risk classification; pooled "
        "time to return to sport: navicular 127 days (95% CI 102-151), femoral neck 107 "
        "(79-135), fibula 56 (13-100), posteromedial tibia 44 (27-61); over 90% returned."
    ),
    "hoenig2022": (
        "Hoenig T, et al. Does magnetic resonance imaging grading correlate with return to "
        "sports after bone stress injuries? A systematic review and meta-analysis. Am J Sports "
        "Med 2022;50(3):834-44 (16 studies, 560 BSIs). Supports: a higher MRI grade means a "
        "longer return to sport."
    ),
    "fredericson1995": (
        "Fredericson M, Bergman AG, Hoffman KL, Dillingham MS. Tibial stress reaction in "
        "runners: correlation of clinical symptoms and scintigraphy with a new magnetic "
        "resonance imaging grading system. Am J Sports Med 1995;23(4):472-81. Supports: MRI "
        "grades 1-4 of tibial bone stress injury."
    ),
    "arendt1997": (
        "Arendt EA, Griffiths HJ. MRI grading of stress reactions of bone in athletes. Clin "
        "Sports Med 1997; rest before return by grade as summarised by Radiopaedia. Supports: "
        "about 3 weeks (grade 1), 3-6 weeks (grade 2), 12-16 weeks (grade 3) and 16+ weeks "
        "(grade 4, fracture line)."
    ),
    "george2024": (
        "George ERM, Sheerin KR, Reid D. Criteria and guidelines for returning to running "
        "following a tibial bone stress injury: a scoping review. Sports Med "
        "2024;54(9):2247-65 (50 studies, level IV evidence). Supports: the components checked "
        "before running: no bony tenderness, pain-free walking, radiological healing at "
        "high-risk sites, strength, hop and loading tests, contributing factors addressed."
    ),
    "ouh2024": (
        "Oxford University Hospitals NHS Foundation Trust, OxSport (Reid & Newton). Return to "
        "running programme, patient leaflet, 2024. Supports: 30 minutes of pain-free brisk "
        "walking before running; jog/walk every other day, week 1 jog 1 / walk 1 min for "
        "30 min, week 2 2/1, week 3 4/1, week 4 9/1, week 5 15/1, week 6 30 min continuous; "
        "from week 7 at most +10% a week in duration or intensity, not both; step up after a "
        "pain-free week, step down a level with pain; discomfort lasting more than 24 h and "
        "night pain are warnings; pain that does not settle with less load: stop and refer."
    ),
    "gallatin_graver2019": (
        "Gallatin and Graver, 2019: return-to-running progression after bone stress injury. "
        "Supports: walk:run minutes 4:1, 3:2, 2:3, 1:4 (3-6 repetitions, 2-3 days a stage), "
        "then 30 min continuous, advancing after 6 repetitions without pain or swelling; "
        "+10-30% running volume a week; speed and hills at 50-60% of pre-injury volume, normal "
        "training at 75-80%; at least one rest day between runs; limb strength symmetry of at "
        "least 80%; 200-250 pain-free foot contacts before running; do not progress with sharp "
        "pain, pain that builds during a run, or altered gait."
    ),
    "warden2014": (
        "Warden SJ, Davis IS, Fredericson M. Management and prevention of bone stress injuries "
        "in long-distance runners. J Orthop Sports Phys Ther 2014;44(10):749-65. Supports "
        "(through a return-to-running guideline citing it): more than 25 single-leg heel "
        "raises at 60 beats a minute before running."
    ),
    "khan1992": (
        "Khan KM, et al. Outcome of conservative and surgical management of navicular stress "
        "fracture in athletes. Am J Sports Med 1992;20(6):657-66. Supports: non-weight-bearing "
        "for at least 6 weeks: 86% returned, against 26% with limited weight bearing."
    ),
    "fowler2010": (
        "Fowler JR, Gaughan JP, Boden BP, Torg JS. What you should know about navicular stress "
        "fractures. Podiatry Today 2010. Supports: non-weight-bearing cast for 6-8 weeks as "
        "first-line care of navicular stress fractures, then a boot for 2-6 weeks until "
        "pain-free; weight-bearing treatment is not recommended; surgery for failed "
        "conservative care."
    ),
    "medscape_flinn2014": (
        "Flinn SD. Femoral neck stress fracture: treatment and management. Medscape "
        "(eMedicine), updated 2014. Supports: tension-side fractures non-weight-bearing with "
        "immediate orthopaedic referral; compression-side fractures non-weight-bearing on "
        "crutches until pain-free at rest, then touch-down, partial and full weight bearing "
        "over 4-6 weeks; swimming and an upper-body ergometer for fitness; single-leg hopping "
        "may complete a femoral neck stress fracture."
    ),
    "batt2001": (
        "Batt ME, Kemp S, Kerslake R. Delayed union stress fractures of the anterior tibia: "
        "conservative management. Br J Sports Med 2001;35(1):74-7. Supports: anterior tibial "
        "cortex managed with a brace and modified rest or a surgical nail; recovery often "
        "takes 8 months or more."
    ),
    "robertson_wood2017": (
        "Robertson GA, Wood AM. Lower limb stress fractures in sport: optimising their "
        "management and outcome. World J Orthop 2017;8(3):242-55. Supports: the patella is a "
        "high-risk site for a stress fracture."
    ),
    "batt2001_rest": (
        "Batt ME, Kemp S, Kerslake R. Delayed union stress fractures of the anterior tibia: "
        "conservative management. Br J Sports Med 2001;35(1):74-7. Supports: pneumatic bracing "
        "with modified rest, unrestricted activity at a mean of 12 months; no default "
        "non-weight-bearing until imaging shows healing."
    ),
    "lareau2015": (
        "Lareau CR, Hsu AR, Anderson RB. Return to play in National Football League players "
        "after operative Jones fracture treatment. Foot Ankle Int 2016;37(1):8-16 (online "
        "2015). Supports: surgical fixation is often advised for proximal 5th metatarsal "
        "fractures in athletes; return 8-10 weeks after screw fixation."
    ),
    "silbernagel2007": (
        "Silbernagel KG, Thomee R, Eriksson BI, Karlsson J. Continued sports activity, using a "
        "pain-monitoring model, during rehabilitation in patients with Achilles tendinopathy: "
        "a randomized controlled study. Am J Sports Med 2007;35(6):897-906. Supports: pain "
        "0-3/10 safe, 4-5 acceptable, above 5 not acceptable, back to baseline within 24 h, no "
        "week-to-week rise; tested in tendon, not bone, so bone plans are stricter."
    ),
    "foster2001": (
        "Foster C, Florhaug JA, Franklin J, et al. A new approach to monitoring exercise "
        "training. J Strength Cond Res 2001;15(1):109-15. Supports: session load = CR-10 "
        "rating of perceived exertion x minutes (arbitrary units)."
    ),
    "williams2017": (
        "Williams S, West S, Cross MJ, Stokes KA. Better way to determine the acute:chronic "
        "workload ratio? Br J Sports Med 2017;51(3):209-10. Supports: exponentially weighted "
        "acute (7-day) and chronic (28-day) load, lambda = 2/(N+1)."
    ),
    "gabbett2016": (
        "Gabbett TJ. The training-injury prevention paradox: should athletes be training "
        "smarter and harder? Br J Sports Med 2016;50(5):273-80. Supports: acute:chronic ratio "
        "0.8-1.3 as the 'sweet spot' and 1.5 or more as the 'danger zone'."
    ),
    "impellizzeri2021": (
        "Impellizzeri FM, et al. What role do chronic workloads play in the acute to chronic "
        "workload ratio? Time to dismiss ACWR and its underlying theory. Sports Med "
        "2021;51(3):581-92. Supports: the ratio predicts injury barely better than chance, so "
        "it is shown as a trend and a warning, never used as a gate."
    ),
    "buist2008": (
        "Buist I, Bredeweg SW, van Mechelen W, et al. No effect of a graded training program "
        "on the number of running-related injuries in novice runners: a randomized controlled "
        "trial. Am J Sports Med 2008;36(1):33-9. Supports: the 10% rule did not reduce "
        "injuries."
    ),
    "nielsen2014": (
        "Nielsen RO, Parner ET, Nohr EA, et al. Excessive progression in weekly running "
        "distance and risk of running-related injuries: an association which varies according "
        "to type of injury. J Orthop Sports Phys Ther 2014;44(10):739-47. Supports: novice "
        "runners increasing distance by more than 30% over two weeks had more injuries than "
        "those increasing by less than 10%."
    ),
    "edwards2018": (
        "Edwards WB. Modeling overuse injuries in sport as a mechanical fatigue phenomenon. "
        "Exerc Sport Sci Rev 2018;46(4):224-31. Supports: +10% tissue stress roughly halves "
        "the cycles to failure, so intensity matters as much as volume."
    ),
    "glazer2009": (
        "Glazer DD. Development and preliminary validation of the Injury-Psychological "
        "Readiness to Return to Sport (I-PRRS) scale. J Athl Train 2009;44(2):185-9. "
        "Supports: I-PRRS 0-60; 50 or more is commonly read as ready."
    ),
    "desouza2014": (
        "De Souza MJ, Nattiv A, Joy E, et al. 2014 Female Athlete Triad Coalition consensus "
        "statement on treatment and return to play of the female athlete triad. Br J Sports "
        "Med 2014;48(4):289. Supports: the cumulative risk assessment, total 0-1 full "
        "clearance, 2-5 provisional or limited clearance, 6 or more restricted."
    ),
    "mountjoy2023": (
        "Mountjoy M, Ackerman KE, Bailey DM, et al. 2023 International Olympic Committee's "
        "(IOC) consensus statement on Relative Energy Deficiency in Sport (REDs). Br J Sports "
        "Med 2023;57(17):1073-97. Supports: REDs CAT2 primary indicators include one or more "
        "high-risk (femoral neck, sacrum, pelvis) or two or more low-risk BSIs in 2 years."
    ),
    "burke2018": (
        "Burke LM, Lundy B, Fahrenholtz IL, Melin AK. Pitfalls of conducting and interpreting "
        "estimates of energy availability in free-living athletes. Int J Sport Nutr Exerc "
        "Metab 2018;28(4):350-63. Supports: energy availability below about 30 kcal/kg fat-free "
        "mass a day is low, about 45 is healthy."
    ),
    "larsonmeyer2015": (
        "Larson-Meyer DE. Vitamin D in athletes. Gatorade Sports Science Institute, Sports "
        "Science Exchange 2015. Supports: serum 25(OH)D above 75 nmol/L, preferably above 100."
    ),
}

# --- building blocks --------------------------------------------------------------------------


def _c(kind: str, **params: Any) -> dict[str, Any]:
    """One criterion item."""
    return {"kind": kind, **params}


def _rx(activity: str, minutes: int, sessions: int, intensity: str, notes: str) -> dict[str, Any]:
    """One prescription line."""
    return {
        "activity": activity,
        "minutes": minutes,
        "sessions_per_week": sessions,
        "intensity": intensity,
        "notes": notes,
    }


def _regress_low(*, swelling: bool = False) -> list[dict[str, Any]]:
    """Regression rules of a low-risk plan (clinic protocol built on clinical.md §7)."""
    rules = [
        _c("pain_above", field="during", above=2),
        _c("pain_above", field="after", above=2),
        _c("pain_above", field="rest", above=1),
        _c("pain_persisting", hours=24),
        _c("next_morning_worse", by=1),
        _c("pain_rising", field="during", by=1),
        _c("pain_rising", field="rest", by=1),
        _c("sharp_pain"),
        _c("night_pain"),
    ]
    if swelling:
        rules.append(_c("swelling"))
    return rules


def _regress_high(*, swelling: bool = True) -> list[dict[str, Any]]:
    """Regression rules of a high-risk plan: any rest pain, activity pain above 1/10."""
    rules = [
        _c("pain_above", field="rest", above=0),
        _c("pain_above", field="during", above=1),
        _c("pain_above", field="after", above=1),
        _c("pain_persisting", hours=24),
        _c("next_morning_worse", by=1),
        _c("pain_rising", field="during", by=1),
        _c("pain_rising", field="rest", by=1),
        _c("sharp_pain"),
        _c("night_pain"),
    ]
    if swelling:
        rules.append(_c("swelling"))
    return rules


def _load_spike() -> list[dict[str, Any]]:
    return [_c("load_spike", ratio=1.5, min_history_days=21)]


PAIN_CITES = ["gallatin_graver2019", "ouh2024", "silbernagel2007"]
LOAD_CITES = ["foster2001", "williams2017", "gabbett2016", "impellizzeri2021"]

PAIN_RULES_LOW = (
    "Pain rules: advance on pain 0-1/10, hold (repeat the stage) at 2/10, step back a stage "
    "with pain above 2/10 during or after activity or above 1/10 at rest; these limits are "
    f"{CLINIC_PROTOCOL}. Bone is stricter than the tendon pain-monitoring model (0-3/10 safe; "
    "Silbernagel 2007, not tested in bone). Sharp pain, pain that builds during a session, "
    "altered gait, night pain and pain lasting more than 24 h stop progression (Gallatin & "
    "Graver 2019; OUH 2024); pain that does not settle after load is reduced: stop and refer "
    "(OUH 2024). How many days to rest after a flare is the clinician's call: no source gives "
    "an evidence-based number."
)

PAIN_RULES_HIGH = (
    "Pain rules at a high-risk site: advance only on 0/10; any pain at rest, pain above 1/10 "
    "during or after activity, sharp pain, night pain, pain lasting 24 h or more, or pain "
    "rising week over week is a red flag for a clinician's review before anything else; these "
    f"limits are {CLINIC_PROTOCOL}. Bone is stricter than the tendon pain-monitoring model "
    "(Silbernagel 2007, not tested in bone); sharp or building pain and altered gait stop "
    "progression (Gallatin & Graver 2019); pain that does not settle with less load: stop "
    "and refer (OUH 2024)."
)

LOAD_NOTE = (
    "The load-spike warning (EWMA acute:chronic session-RPE load of 1.5 or more; Foster 2001, "
    "Williams 2017, Gabbett 2016) is a caution only, never a gate: the ratio predicts injury "
    "barely better than chance (Impellizzeri 2021)."
)

BONE_HEALTH_NOTE = (
    "Bone-health review before the first run: the Female Athlete Triad cumulative risk score "
    "(De Souza 2014) must be 5 or less (0-1 full clearance, 2-5 provisional or limited "
    "clearance; 6 or more is restricted and keeps the athlete off running until the Triad "
    "team clears them). Record the score during this phase: the gate only reads results from "
    "the current phase. Check REDs CAT2 indicators (Mountjoy 2023), energy availability with "
    "the dietitian (below about 30 kcal/kg fat-free mass a day is low, about 45 healthy; "
    "Burke 2018) and vitamin D (25(OH)D above 75 nmol/L, preferably above 100; "
    "Larson-Meyer 2015)."
)
BONE_HEALTH_CITES = ["desouza2014", "mountjoy2023", "burke2018", "larsonmeyer2015"]


def _phase(
    name: str,
    goal: str,
    *,
    min_days: int,
    typical_days: int,
    weight_bearing: str,
    crutches: bool,
    impact: str,
    prescriptions: list[dict[str, Any]],
    advance: list[dict[str, Any]],
    regress: list[dict[str, Any]],
    warn: list[dict[str, Any]],
    citations: list[str],
    notes: str,
) -> dict[str, Any]:
    """A phase; `min_days_in_phase` (= `min_days`) always leads its advance criteria."""
    return {
        "name": name,
        "goal": goal,
        "min_days": min_days,
        "typical_days": typical_days,
        "weight_bearing": weight_bearing,
        "crutches": crutches,
        "impact": impact,
        "prescriptions": prescriptions,
        "advance_when": [_c("min_days_in_phase", days=min_days), *advance],
        "regress_when": regress,
        "warn_when": warn,
        "citations": list(dict.fromkeys(citations)),
        "notes": notes,
    }


def _template(
    slug: str,
    name: str,
    summary: str,
    *,
    sites: list[str],
    risk: str,
    conservative: bool,
    citations: list[str],
    phases: list[dict[str, Any]],
    version: int = 1,
) -> dict[str, Any]:
    """A template; its citations are its own plus every phase's, in first-seen order. A
    template whose phases change gets the next version: installing it retires the previous
    one, and running plans keep the phases they were drafted with."""
    keys = list(citations)
    for phase in phases:
        keys.extend(phase["citations"])
    return {
        "slug": slug,
        "name": name,
        "summary": summary,
        "sites": sites,
        "risk": risk,
        "conservative": conservative,
        "version": version,
        "citations": list(dict.fromkeys(keys)),
        "phases": phases,
    }


# Prescription lines used in several templates.
def _strength(minutes: int, sessions: int, intensity: str, notes: str) -> dict[str, Any]:
    return _rx("strength", minutes, sessions, intensity, notes)


def _aqua_jog(minutes: int = 30, sessions: int = 2) -> dict[str, Any]:
    return _rx(
        "aqua_jog",
        minutes,
        sessions,
        "RPE 3-5 of 10, steady",
        "Deep-water running with a float belt, feet never touching the pool floor.",
    )


def _walking_programme(sessions: int = 5) -> dict[str, Any]:
    return _rx(
        "walk",
        30,
        sessions,
        "brisk, RPE 3-4 of 10",
        "Start at 10 min and add 5 min a day when there was no pain during, after or the next "
        "morning, up to 30 min brisk walking (days 1-5 of a common 21-day clinic schedule).",
    )


def _gg_walk_run(days_per_stage: str) -> dict[str, Any]:
    return _rx(
        "walk_run",
        30,
        3,
        "easy jog, RPE 3-4 of 10, conversational",
        "Walk:run minutes 4:1, then 3:2, 2:3, 1:4, six repetitions (30 min) a session, "
        f"{days_per_stage} a stage, then 30 min continuous (Gallatin & Graver 2019). Move up a "
        "stage after six repetitions without pain or swelling; repeat the stage at 2/10; drop "
        "a stage with more. At least one rest day between runs; flat, even surface or "
        "treadmill.",
    )


def _pre_run_gates(
    *, hops: int, hop_pain: int, heel_raise: bool = True, tenderness: bool = True
) -> list[dict[str, Any]]:
    """Gates before the first run (clinical.md §5; George 2024)."""
    gates = [_c("assessment", test="walk_test", min=30)]
    if tenderness:
        gates.append(_c("assessment", test="tenderness", max=0))
    gates.append(_c("assessment", test="single_leg_hop", min=hops, max_pain=hop_pain))
    if heel_raise:
        gates.append(_c("assessment", test="heel_raise", min=26))
    gates += [
        _c("assessment", test="strength_symmetry", min=80),
        _c("assessment", test="foot_contacts", min=200),
    ]
    return gates


PRE_RUN_CITES = ["george2024", "ouh2024", "warden2014", "gallatin_graver2019"]


def _pre_run_note(
    *, hops: int, hop_pain: int, heel_raise: bool = True, tenderness: bool = True
) -> str:
    tender = "no bony tenderness; " if tenderness else ""
    hop_limit = "pain-free" if hop_pain == 0 else f"with pain at most {hop_pain}/10"
    heel = (
        "more than 25 single-leg heel raises at 60 beats a minute (guideline citing Warden 2014); "
        if heel_raise
        else ""
    )
    return (
        "Gates before the first run, the components George et al. (2024) found in return-to-run "
        "protocols (level IV evidence): 30 min of pain-free brisk walking (OUH 2024); "
        f"{tender}{heel}limb strength symmetry of at least 80% (Gallatin & Graver 2019); "
        "200 pain-free foot contacts, the low end of 200-250 (Gallatin & Graver 2019). Hop "
        f"test: {hops} single-leg hops {hop_limit}, {CLINIC_PROTOCOL} "
        "(clinics use 10-15 hops or 30 s with pain at most 2/10, some 20 pain-free hops). "
        "Review contributing factors (training errors, footwear, energy availability) before "
        "the first run."
    )


# --- 1. low-risk tibia ------------------------------------------------------------------------

_LOW_TIBIA_SITES = ["posteromedial_tibia", "fibula", "femoral_shaft"]

TIBIA_LOW_RISK = _template(
    "tibia-low-risk",
    "Low-risk BSI: posteromedial tibia, fibula, femoral shaft",
    "For a low-risk bone stress injury of the posteromedial tibia, fibula or femoral shaft "
    "(MRI grade 1-2) without risk factors. A graded return from pain-free walking through "
    "non-impact cross-training and a walk-run progression to sport; pooled return to sport is "
    "44 days (95% CI 27-61) for the posteromedial tibia and 56 days (13-100) for the fibula. "
    "Use the conservative variant for grade 3-4, a positive Triad or REDs screen, or a "
    "previous BSI.",
    sites=_LOW_TIBIA_SITES,
    risk="low",
    conservative=False,
    citations=["hoenig2023", "diehl2006", "fredericson1995"],
    phases=[
        _phase(
            "Protected loading",
            "Settle symptoms so that walking for daily activities is pain-free.",
            min_days=3,
            typical_days=7,
            weight_bearing="fwb",
            crutches=False,
            impact="low",
            prescriptions=[
                _rx(
                    "walk",
                    15,
                    7,
                    "easy pace, pain 0 of 10",
                    "Daily-living walking only, in cushioned shoes; no walking for exercise "
                    "yet. If walking hurts, use crutches for a few days and tell the clinician.",
                ),
                _strength(
                    20,
                    3,
                    "RPE 3-4 of 10",
                    "Hip, trunk and upper-body exercises that do not load the injured bone "
                    "(side-lying hip work, bridges, seated upper-body work).",
                ),
            ],
            advance=[
                _c("pain_max", field="during", max=0, days=3),
                _c("pain_max", field="rest", max=0, days=3),
                _c("no_night_pain", days=3),
            ],
            regress=_regress_low(),
            warn=[],
            citations=["george2024", *PAIN_CITES],
            notes=(
                "Stop running and impact sport. Weight bearing as tolerated; the aim is "
                "pain-free walking in daily life, one of the components checked before running "
                "(George 2024). The 3-day minimum and the 3-day pain-free window are "
                f"{CLINIC_PROTOCOL}. Start the bone-health conversation now (energy "
                "availability, menstrual history, previous BSIs): a positive screen means "
                "switching to the conservative variant. " + PAIN_RULES_LOW
            ),
        ),
        _phase(
            "Non-impact cross-training",
            "Keep aerobic fitness and start strength work without loading the injured bone "
            "through pain.",
            min_days=5,
            typical_days=7,
            weight_bearing="fwb",
            crutches=False,
            impact="none",
            prescriptions=[
                _rx(
                    "cycle",
                    30,
                    3,
                    "RPE 3-5 of 10, steady and conversational",
                    "Stationary bike. Stop if pain appears at the injury site.",
                ),
                _aqua_jog(),
                _strength(
                    30,
                    3,
                    "RPE 5-6 of 10, 2-3 sets of 8-15",
                    "Calf raises (double-leg, progressing to single-leg when pain-free), hip "
                    "abductors and extensors, quadriceps, trunk: build toward the heel-raise "
                    "and strength-symmetry gates of the next phase.",
                ),
            ],
            advance=[
                _c("pain_max", field="any", max=0, days=5),
                _c("no_night_pain", days=5),
                _c("no_sharp_pain", days=5),
            ],
            regress=_regress_low(),
            warn=_load_spike(),
            citations=[*PAIN_CITES, *LOAD_CITES],
            notes=(
                f"The 5-day minimum and the 5 pain-free days are {CLINIC_PROTOCOL}. Log every "
                "session with minutes and effort (RPE) so that training load can be followed. "
                + LOAD_NOTE
                + " "
                + PAIN_RULES_LOW
            ),
        ),
        _phase(
            "Walking programme",
            "Build brisk walking to 30 minutes pain-free and pass the pre-running gates.",
            min_days=3,
            typical_days=5,
            weight_bearing="fwb",
            crutches=False,
            impact="low",
            prescriptions=[
                _walking_programme(),
                _rx(
                    "cycle",
                    30,
                    2,
                    "RPE 3-5 of 10",
                    "On days without a walk, or after a walk that caused any pain.",
                ),
                _strength(
                    30,
                    3,
                    "RPE 5-7 of 10, 3 sets of 8-15",
                    "Single-leg calf raises to the metronome (60 beats a minute), hip and "
                    "thigh strength; test limb symmetry at the end of the phase.",
                ),
            ],
            advance=[
                *_pre_run_gates(hops=10, hop_pain=2),
                _c("pain_max", field="any", max=0, days=5),
                _c("no_night_pain", days=5),
            ],
            regress=_regress_low(),
            warn=_load_spike(),
            citations=[*PRE_RUN_CITES, *PAIN_CITES, *LOAD_CITES],
            notes=(
                _pre_run_note(hops=10, hop_pain=2)
                + f" The 3-day minimum is {CLINIC_PROTOCOL}. "
                + PAIN_RULES_LOW
            ),
        ),
        _phase(
            "Walk-run progression",
            "Reintroduce running in walk:run intervals up to 30 minutes of easy continuous "
            "running without pain.",
            min_days=8,
            typical_days=12,
            weight_bearing="fwb",
            crutches=False,
            impact="moderate",
            prescriptions=[
                _gg_walk_run("2-3 days"),
                _rx("cycle", 30, 2, "RPE 4-5 of 10", "On days between runs."),
                _strength(
                    30,
                    2,
                    "RPE 6-7 of 10",
                    "Keep calf, hip and thigh strength work, not on the day before a run.",
                ),
            ],
            advance=[
                _c("pain_max", field="any", max=1, days=7),
                _c("no_sharp_pain", days=7),
                _c("no_night_pain", days=7),
            ],
            regress=_regress_low(swelling=True),
            warn=_load_spike(),
            citations=["gallatin_graver2019", *PAIN_CITES, *LOAD_CITES],
            notes=(
                "Four walk:run stages of 2-3 days each give the 8-12 days of this phase "
                "(Gallatin & Graver 2019). The criteria cannot see which stage was completed: "
                "confirm the athlete has run 30 min continuously before advancing. "
                + LOAD_NOTE
                + " "
                + PAIN_RULES_LOW
            ),
        ),
        _phase(
            "Running progression",
            "Build easy running volume gradually to 50-60% of pre-injury weekly volume.",
            min_days=7,
            typical_days=10,
            weight_bearing="fwb",
            crutches=False,
            impact="moderate",
            prescriptions=[
                _rx(
                    "run",
                    35,
                    3,
                    "easy, RPE 3-4 of 10, conversational",
                    "Add 10-30% running time a week (Gallatin & Graver 2019); change duration "
                    "or intensity, not both. No speed work or hills yet. At least one rest day "
                    "between runs.",
                ),
                _rx("cycle", 30, 1, "RPE 4-6 of 10", "Optional aerobic top-up on a non-run day."),
                _strength(30, 2, "RPE 6-8 of 10", "Calf, hip and thigh strength, heavier loads."),
            ],
            advance=[
                _c("pain_max", field="any", max=1, days=7),
                _c("no_sharp_pain", days=7),
                _c("no_night_pain", days=7),
            ],
            regress=_regress_low(swelling=True),
            warn=_load_spike(),
            citations=[
                "gallatin_graver2019",
                "nielsen2014",
                "buist2008",
                "edwards2018",
                *PAIN_CITES,
                *LOAD_CITES,
            ],
            notes=(
                "Volume: +10-30% a week (Gallatin & Graver 2019). Novice runners increasing "
                "distance by more than 30% over two weeks had more injuries than those under "
                "10% (Nielsen 2014), though the 10% rule itself did not reduce injuries (Buist "
                "2008). Intensity matters as much as volume: +10% tissue stress roughly halves "
                "the cycles to failure (Edwards 2018), so speed and hills wait for the next "
                "phase. Advance when the athlete reaches 50-60% of pre-injury weekly volume "
                "(Gallatin & Graver 2019): the criteria cannot see this, so confirm it. "
                f"The 7-day minimum is {CLINIC_PROTOCOL}. " + LOAD_NOTE + " " + PAIN_RULES_LOW
            ),
        ),
        _phase(
            "Sport-specific training",
            "Add speed, hills, plyometrics and sport drills and reach 75-80% of normal "
            "training volume without pain.",
            min_days=5,
            typical_days=7,
            weight_bearing="fwb",
            crutches=False,
            impact="high",
            prescriptions=[
                _rx(
                    "run",
                    40,
                    3,
                    "mostly easy; one session with strides or hills at RPE 6-7",
                    "Speed and hills from 50-60% of pre-injury volume (Gallatin & Graver "
                    "2019); add one hard session at a time.",
                ),
                _rx(
                    "plyometrics",
                    15,
                    2,
                    "low to moderate, RPE 5-6 of 10",
                    "Pogo hops, skipping, bounding; count foot contacts and add gradually.",
                ),
                _rx(
                    "sport_specific",
                    40,
                    2,
                    "RPE 5-7 of 10",
                    "Sport drills at submaximal effort; no full competition yet.",
                ),
                _strength(30, 2, "RPE 6-8 of 10", "Maintenance strength."),
            ],
            advance=[
                _c("pain_max", field="any", max=1, days=7),
                _c("no_sharp_pain", days=7),
                _c("no_night_pain", days=7),
                _c("assessment", test="readiness_iprrs", min=50),
                _c("clinician_signoff"),
            ],
            regress=_regress_low(swelling=True),
            warn=_load_spike(),
            citations=["gallatin_graver2019", "glazer2009", *PAIN_CITES, *LOAD_CITES],
            notes=(
                "Normal training resumes at 75-80% of pre-injury volume (Gallatin & Graver "
                "2019). I-PRRS of 50 or more out of 60 is commonly read as ready (Glazer "
                "2009): a check of psychological readiness, not of bone healing. The clinician "
                f"signs off the return to full training. The 5-day minimum is {CLINIC_PROTOCOL}. "
                + LOAD_NOTE
                + " "
                + PAIN_RULES_LOW
            ),
        ),
        _phase(
            "Full return and monitoring",
            "Return to full training and competition while watching for recurrence.",
            min_days=14,
            typical_days=28,
            weight_bearing="fwb",
            crutches=False,
            impact="high",
            prescriptions=[
                _rx(
                    "run",
                    45,
                    4,
                    "per the normal training plan",
                    "Change volume or intensity one at a time and gradually; keep at least one "
                    "rest day a week.",
                ),
                _rx("sport_specific", 60, 3, "per the normal training plan", "Full training."),
                _strength(30, 2, "RPE 6-8 of 10", "Maintenance strength twice a week."),
            ],
            advance=[
                _c("pain_free_streak", field="any", days=14),
                _c("clinician_signoff"),
            ],
            regress=_regress_low(swelling=True),
            warn=_load_spike(),
            citations=[*PAIN_CITES, *LOAD_CITES],
            notes=(
                "Advancing from this phase closes the plan. The 14-day minimum and the 14 "
                f"pain-free days before discharge are {CLINIC_PROTOCOL}. "
                + LOAD_NOTE
                + " "
                + PAIN_RULES_LOW
            ),
        ),
    ],
)

# --- 2. conservative low-risk tibia -----------------------------------------------------------

TIBIA_LOW_RISK_CONSERVATIVE = _template(
    "tibia-low-risk-conservative",
    "Low-risk BSI with risk factors (conservative): posteromedial tibia, fibula, femoral shaft",
    "For a low-risk tibial, fibular or femoral-shaft BSI with risk factors: MRI grade 3-4, a "
    "positive Female Athlete Triad or REDs screen, or a previous BSI. Longer minimum phases, "
    "the 6-week Oxford jog/walk programme, at most +10% a week afterwards, a bone-health "
    "review and clinician sign-off before the first run. A higher MRI grade predicts a longer "
    "return (Hoenig 2022); Arendt's scheme suggests 12-16 weeks before return for grade 3 and "
    "16+ for grade 4.",
    sites=_LOW_TIBIA_SITES,
    risk="low",
    conservative=True,
    citations=["hoenig2023", "hoenig2022", "arendt1997", "fredericson1995", "diehl2006"],
    phases=[
        _phase(
            "Protected loading",
            "Settle symptoms so that walking is pain-free, on crutches at first if needed.",
            min_days=7,
            typical_days=10,
            weight_bearing="pwb",
            crutches=True,
            impact="low",
            prescriptions=[
                _rx(
                    "walk",
                    10,
                    7,
                    "easy pace, pain 0 of 10",
                    "Daily-living walking only, partial weight bearing on crutches; wean to "
                    "full weight bearing as soon as walking is pain-free.",
                ),
                _strength(
                    20,
                    3,
                    "RPE 3-4 of 10",
                    "Hip, trunk and upper-body exercises that do not load the injured bone.",
                ),
            ],
            advance=[
                _c("pain_max", field="during", max=0, days=7),
                _c("pain_max", field="rest", max=0, days=7),
                _c("no_night_pain", days=7),
            ],
            regress=_regress_low(),
            warn=[],
            citations=["george2024", *BONE_HEALTH_CITES, *PAIN_CITES],
            notes=(
                "Stop running and impact sport. Crutches until walking is pain-free; the "
                f"7-day minimum is {CLINIC_PROTOCOL}. Refer for the bone-health work-up now: "
                "Triad cumulative risk assessment (De Souza 2014) or REDs CAT2 (Mountjoy "
                "2023), dietitian for energy availability (below about 30 kcal/kg fat-free "
                "mass a day is low; Burke 2018), vitamin D (25(OH)D above 75 nmol/L, "
                "preferably above 100; Larson-Meyer 2015). " + PAIN_RULES_LOW
            ),
        ),
        _phase(
            "Non-impact cross-training",
            "Keep aerobic fitness and build strength at full weight bearing without pain.",
            min_days=7,
            typical_days=10,
            weight_bearing="fwb",
            crutches=False,
            impact="none",
            prescriptions=[
                _rx(
                    "cycle",
                    30,
                    3,
                    "RPE 3-5 of 10, steady and conversational",
                    "Stationary bike. Stop if pain appears at the injury site.",
                ),
                _aqua_jog(),
                _strength(
                    30,
                    3,
                    "RPE 5-6 of 10, 2-3 sets of 8-15",
                    "Calf raises (double-leg, then single-leg when pain-free), hip, thigh and "
                    "trunk strength; progressive loading is good for bone.",
                ),
            ],
            advance=[
                _c("pain_max", field="any", max=0, days=7),
                _c("no_night_pain", days=7),
                _c("no_sharp_pain", days=7),
            ],
            regress=_regress_low(),
            warn=_load_spike(),
            citations=[*PAIN_CITES, *LOAD_CITES],
            notes=(
                f"The 7-day minimum and the 7 pain-free days are {CLINIC_PROTOCOL}. "
                + LOAD_NOTE
                + " "
                + PAIN_RULES_LOW
            ),
        ),
        _phase(
            "Walking programme and bone-health review",
            "Build brisk walking to 30 minutes pain-free, pass the pre-running gates and "
            "complete the bone-health review.",
            min_days=5,
            typical_days=7,
            weight_bearing="fwb",
            crutches=False,
            impact="low",
            prescriptions=[
                _walking_programme(),
                _rx("cycle", 30, 2, "RPE 3-5 of 10", "On days without a walk."),
                _strength(
                    30,
                    3,
                    "RPE 5-7 of 10, 3 sets of 8-15",
                    "Single-leg calf raises to the metronome (60 beats a minute), hip and "
                    "thigh strength; test limb symmetry at the end of the phase.",
                ),
            ],
            advance=[
                *_pre_run_gates(hops=20, hop_pain=0),
                _c("assessment", test="bone_health_cra", max=5, within_days=28),
                _c("pain_max", field="any", max=0, days=5),
                _c("no_night_pain", days=5),
                _c("clinician_signoff"),
            ],
            regress=_regress_low(),
            warn=_load_spike(),
            citations=[*PRE_RUN_CITES, *BONE_HEALTH_CITES, *PAIN_CITES, *LOAD_CITES],
            notes=(
                _pre_run_note(hops=20, hop_pain=0)
                + " This variant uses the stricter clinic hop test (20 pain-free hops). "
                + BONE_HEALTH_NOTE
                + f" The 5-day minimum is {CLINIC_PROTOCOL}. "
                + PAIN_RULES_LOW
            ),
        ),
        _phase(
            "Walk-run progression (Oxford 6-week programme)",
            "Reintroduce running over six weeks of jog/walk intervals up to 30 minutes of "
            "continuous easy running without pain.",
            min_days=35,
            typical_days=42,
            weight_bearing="fwb",
            crutches=False,
            impact="moderate",
            prescriptions=[
                _rx(
                    "walk_run",
                    30,
                    3,
                    "easy jog, RPE 3-4 of 10, conversational",
                    "Every other day (OUH 2024): week 1 jog 1 / walk 1 min for 30 min; week 2 "
                    "jog 2 / walk 1; week 3 4/1; week 4 9/1; week 5 15/1; week 6 30 min "
                    "continuous. Step up after a pain-free week; step down a level with pain.",
                ),
                _rx("cycle", 30, 2, "RPE 4-5 of 10", "On days between runs."),
                _strength(30, 2, "RPE 6-7 of 10", "Calf, hip and thigh strength."),
            ],
            advance=[
                _c("pain_max", field="any", max=1, days=7),
                _c("pain_not_rising", field="during", tolerance=0),
                _c("no_sharp_pain", days=7),
                _c("no_night_pain", days=7),
                _c("clinician_signoff"),
            ],
            regress=_regress_low(swelling=True),
            warn=_load_spike(),
            citations=["ouh2024", *PAIN_CITES, *LOAD_CITES],
            notes=(
                "Six weeks if every week is pain-free (OUH 2024); a repeated week adds a week. "
                "The 35-day minimum allows one week to be completed early, "
                f"{CLINIC_PROTOCOL}. Confirm 30 min of continuous running before advancing. "
                + LOAD_NOTE
                + " "
                + PAIN_RULES_LOW
            ),
        ),
        _phase(
            "Running progression",
            "Build running at most 10% a week, in duration or intensity but not both, to "
            "50-60% of pre-injury volume.",
            min_days=14,
            typical_days=14,
            weight_bearing="fwb",
            crutches=False,
            impact="moderate",
            prescriptions=[
                _rx(
                    "run",
                    33,
                    3,
                    "easy, RPE 3-4 of 10, conversational",
                    "From 30 min, add at most 10% a week to duration or intensity, not both "
                    "(OUH 2024). At least one rest day between runs.",
                ),
                _rx("cycle", 30, 1, "RPE 4-6 of 10", "Optional aerobic top-up on a non-run day."),
                _strength(30, 2, "RPE 6-8 of 10", "Calf, hip and thigh strength, heavier loads."),
            ],
            advance=[
                _c("weekly_load_increase", max_percent=10),
                _c("pain_max", field="any", max=1, days=7),
                _c("pain_not_rising", field="during", tolerance=0),
                _c("no_sharp_pain", days=7),
                _c("no_night_pain", days=7),
                _c("clinician_signoff"),
            ],
            regress=_regress_low(swelling=True),
            warn=_load_spike(),
            citations=[
                "ouh2024",
                "gallatin_graver2019",
                "nielsen2014",
                "buist2008",
                "edwards2018",
                *PAIN_CITES,
                *LOAD_CITES,
            ],
            notes=(
                "The weekly-load gate uses OUH's 10% (OUH 2024), the cautious end: the 10% "
                "rule did not reduce injuries in novice runners (Buist 2008), but more than "
                "30% over two weeks did raise them (Nielsen 2014), and +10% tissue stress "
                "roughly halves cycles to failure (Edwards 2018). Advance at 50-60% of "
                "pre-injury weekly volume (Gallatin & Graver 2019); confirm it, the criteria "
                "cannot see it. The 14-day minimum is the two weeks the weekly-load gate "
                f"needs, {CLINIC_PROTOCOL}. " + LOAD_NOTE + " " + PAIN_RULES_LOW
            ),
        ),
        _phase(
            "Sport-specific training",
            "Add speed, hills, plyometrics and sport drills one at a time and reach 75-80% of "
            "normal training volume without pain.",
            min_days=7,
            typical_days=10,
            weight_bearing="fwb",
            crutches=False,
            impact="high",
            prescriptions=[
                _rx(
                    "run",
                    40,
                    3,
                    "mostly easy; one session with strides or hills at RPE 6-7",
                    "Speed and hills from 50-60% of pre-injury volume (Gallatin & Graver "
                    "2019); one new hard element a week.",
                ),
                _rx(
                    "plyometrics",
                    10,
                    2,
                    "low, RPE 4-5 of 10",
                    "Pogo hops and skipping first, bounding later; count foot contacts.",
                ),
                _rx(
                    "sport_specific",
                    30,
                    2,
                    "RPE 5-7 of 10",
                    "Sport drills at submaximal effort; no full competition yet.",
                ),
                _strength(30, 2, "RPE 6-8 of 10", "Maintenance strength."),
            ],
            advance=[
                _c("pain_max", field="any", max=1, days=7),
                _c("no_sharp_pain", days=7),
                _c("no_night_pain", days=7),
                _c("assessment", test="readiness_iprrs", min=50),
                _c("clinician_signoff"),
            ],
            regress=_regress_low(swelling=True),
            warn=_load_spike(),
            citations=["gallatin_graver2019", "glazer2009", *PAIN_CITES, *LOAD_CITES],
            notes=(
                "Normal training resumes at 75-80% of pre-injury volume (Gallatin & Graver "
                "2019). I-PRRS of 50 or more out of 60 is commonly read as ready (Glazer "
                "2009). Before sign-off, check that the bone-health plan (nutrition, "
                f"menstrual function) is in place. The 7-day minimum is {CLINIC_PROTOCOL}. "
                + LOAD_NOTE
                + " "
                + PAIN_RULES_LOW
            ),
        ),
        _phase(
            "Full return and monitoring",
            "Return to full training and competition while watching for recurrence and "
            "keeping the bone-health plan going.",
            min_days=28,
            typical_days=42,
            weight_bearing="fwb",
            crutches=False,
            impact="high",
            prescriptions=[
                _rx(
                    "run",
                    45,
                    4,
                    "per the normal training plan",
                    "Change volume or intensity one at a time; keep at least one rest day a week.",
                ),
                _rx("sport_specific", 60, 3, "per the normal training plan", "Full training."),
                _strength(30, 2, "RPE 6-8 of 10", "Maintenance strength twice a week."),
            ],
            advance=[
                _c("pain_free_streak", field="any", days=21),
                _c("clinician_signoff"),
            ],
            regress=_regress_low(swelling=True),
            warn=_load_spike(),
            citations=[*BONE_HEALTH_CITES, *PAIN_CITES, *LOAD_CITES],
            notes=(
                "Advancing from this phase closes the plan. The 28-day minimum and 21 pain-free "
                f"days before discharge are {CLINIC_PROTOCOL}. Keep dietitian and bone-health "
                "follow-up going after discharge: a second BSI counts towards REDs CAT2 "
                "indicators (Mountjoy 2023). " + LOAD_NOTE + " " + PAIN_RULES_LOW
            ),
        ),
    ],
)

# --- 3. metatarsal shaft ----------------------------------------------------------------------

METATARSAL_SHAFT = _template(
    "metatarsal-shaft",
    "Low-risk BSI: metatarsal shaft (2nd-4th)",
    "For a bone stress injury of the 2nd-4th metatarsal shaft; the 2nd metatarsal base and "
    "the proximal 5th metatarsal are high-risk sites and have their own plan. Protected "
    "walking in a boot, non-impact cross-training, then walking and a walk-run progression "
    "back to sport. The reference data give no pooled return time for this site, so phase "
    "lengths are clinic protocol.",
    sites=["metatarsal_shaft"],
    risk="low",
    conservative=False,
    citations=["diehl2006", "hoenig2023"],
    phases=[
        _phase(
            "Protected walking in a boot",
            "Offload the forefoot until walking in the boot is pain-free.",
            min_days=10,
            typical_days=14,
            weight_bearing="boot",
            crutches=False,
            impact="low",
            prescriptions=[
                _rx(
                    "walk",
                    15,
                    7,
                    "easy pace, pain 0 of 10",
                    "Daily-living walking in the boot only. Crutches for a few days if walking "
                    "in the boot hurts; tell the clinician.",
                ),
                _rx(
                    "swim",
                    30,
                    2,
                    "RPE 3-5 of 10",
                    "Pull buoy, no kicking with a pointed foot and no push-offs from the wall "
                    "with the injured foot.",
                ),
                _aqua_jog(),
                _strength(
                    30,
                    3,
                    "RPE 4-6 of 10",
                    "Hip, thigh, trunk and upper-body work out of the boot, lying or seated.",
                ),
            ],
            advance=[
                _c("pain_max", field="during", max=0, days=7),
                _c("pain_max", field="rest", max=0, days=7),
                _c("no_night_pain", days=7),
            ],
            regress=_regress_low(),
            warn=[],
            citations=["george2024", *PAIN_CITES],
            notes=(
                "Boot duration and the 10-day minimum are "
                f"{CLINIC_PROTOCOL}; the aim is pain-free walking (George 2024). Check for "
                "tenderness at the base of the 2nd metatarsal or proximal 5th: those are "
                "high-risk sites with a different plan. " + PAIN_RULES_LOW
            ),
        ),
        _phase(
            "Shoes and non-impact cross-training",
            "Walk pain-free in supportive shoes and keep fitness without forefoot impact.",
            min_days=7,
            typical_days=10,
            weight_bearing="fwb",
            crutches=False,
            impact="none",
            prescriptions=[
                _rx(
                    "cycle",
                    30,
                    3,
                    "RPE 3-5 of 10, steady",
                    "Pedal under the heel or midfoot, not the forefoot; stop if pain appears.",
                ),
                _aqua_jog(),
                _strength(
                    30,
                    3,
                    "RPE 5-6 of 10, 2-3 sets of 8-15",
                    "Calf raises (double-leg, then single-leg when pain-free), toe and foot "
                    "intrinsic strength, hip and thigh.",
                ),
            ],
            advance=[
                _c("pain_max", field="any", max=0, days=7),
                _c("assessment", test="tenderness", max=0),
                _c("no_sharp_pain", days=7),
                _c("no_night_pain", days=7),
            ],
            regress=_regress_low(),
            warn=_load_spike(),
            citations=["george2024", *PAIN_CITES, *LOAD_CITES],
            notes=(
                "Stiff-soled or well-cushioned shoes. No bony tenderness on palpation of the "
                f"shaft (George 2024) before the walking programme. The 7-day minimum is "
                f"{CLINIC_PROTOCOL}. " + LOAD_NOTE + " " + PAIN_RULES_LOW
            ),
        ),
        _phase(
            "Walking programme",
            "Build brisk walking to 30 minutes pain-free and pass the pre-running gates.",
            min_days=3,
            typical_days=5,
            weight_bearing="fwb",
            crutches=False,
            impact="low",
            prescriptions=[
                _walking_programme(),
                _rx("cycle", 30, 2, "RPE 3-5 of 10", "On days without a walk."),
                _strength(
                    30,
                    3,
                    "RPE 5-7 of 10, 3 sets of 8-15",
                    "Single-leg calf raises to the metronome (60 beats a minute), foot "
                    "intrinsics, hip and thigh strength.",
                ),
            ],
            advance=[
                *_pre_run_gates(hops=10, hop_pain=2),
                _c("pain_max", field="any", max=0, days=5),
                _c("no_night_pain", days=5),
            ],
            regress=_regress_low(),
            warn=_load_spike(),
            citations=[*PRE_RUN_CITES, *PAIN_CITES, *LOAD_CITES],
            notes=(
                _pre_run_note(hops=10, hop_pain=2)
                + f" The 3-day minimum is {CLINIC_PROTOCOL}. "
                + PAIN_RULES_LOW
            ),
        ),
        _phase(
            "Walk-run progression",
            "Reintroduce running in walk:run intervals up to 30 minutes of easy continuous "
            "running without pain.",
            min_days=8,
            typical_days=12,
            weight_bearing="fwb",
            crutches=False,
            impact="moderate",
            prescriptions=[
                _gg_walk_run("2-3 days"),
                _rx("cycle", 30, 2, "RPE 4-5 of 10", "On days between runs."),
                _strength(30, 2, "RPE 6-7 of 10", "Calf, foot, hip and thigh strength."),
            ],
            advance=[
                _c("pain_max", field="any", max=1, days=7),
                _c("no_sharp_pain", days=7),
                _c("no_night_pain", days=7),
            ],
            regress=_regress_low(swelling=True),
            warn=_load_spike(),
            citations=["gallatin_graver2019", *PAIN_CITES, *LOAD_CITES],
            notes=(
                "Four walk:run stages of 2-3 days each (Gallatin & Graver 2019). Confirm 30 min "
                "of continuous running before advancing. " + LOAD_NOTE + " " + PAIN_RULES_LOW
            ),
        ),
        _phase(
            "Running progression",
            "Build easy running volume gradually to 50-60% of pre-injury weekly volume.",
            min_days=7,
            typical_days=10,
            weight_bearing="fwb",
            crutches=False,
            impact="moderate",
            prescriptions=[
                _rx(
                    "run",
                    35,
                    3,
                    "easy, RPE 3-4 of 10, conversational",
                    "Add 10-30% running time a week (Gallatin & Graver 2019), duration or "
                    "intensity, not both; no speed or hills yet; a rest day between runs.",
                ),
                _strength(30, 2, "RPE 6-8 of 10", "Calf, foot, hip and thigh strength."),
            ],
            advance=[
                _c("pain_max", field="any", max=1, days=7),
                _c("no_sharp_pain", days=7),
                _c("no_night_pain", days=7),
            ],
            regress=_regress_low(swelling=True),
            warn=_load_spike(),
            citations=[
                "gallatin_graver2019",
                "nielsen2014",
                "buist2008",
                "edwards2018",
                *PAIN_CITES,
                *LOAD_CITES,
            ],
            notes=(
                "Volume +10-30% a week (Gallatin & Graver 2019); more than 30% over two weeks "
                "raised injuries in novices (Nielsen 2014) while the 10% rule did not lower "
                "them (Buist 2008); +10% tissue stress roughly halves cycles to failure "
                "(Edwards 2018). Advance at 50-60% of pre-injury volume (confirm it). "
                f"The 7-day minimum is {CLINIC_PROTOCOL}. " + LOAD_NOTE + " " + PAIN_RULES_LOW
            ),
        ),
        _phase(
            "Sport-specific training",
            "Add speed, hills, plyometrics and sport drills and reach 75-80% of normal "
            "training volume without pain.",
            min_days=5,
            typical_days=7,
            weight_bearing="fwb",
            crutches=False,
            impact="high",
            prescriptions=[
                _rx(
                    "run",
                    40,
                    3,
                    "mostly easy; one session with strides or hills at RPE 6-7",
                    "Speed and hills from 50-60% of pre-injury volume (Gallatin & Graver 2019).",
                ),
                _rx(
                    "plyometrics",
                    15,
                    2,
                    "low to moderate, RPE 5-6 of 10",
                    "Pogo hops, skipping, then bounding and cutting; count foot contacts.",
                ),
                _rx("sport_specific", 40, 2, "RPE 5-7 of 10", "Sport drills, no competition yet."),
            ],
            advance=[
                _c("pain_max", field="any", max=1, days=7),
                _c("no_sharp_pain", days=7),
                _c("no_night_pain", days=7),
                _c("assessment", test="readiness_iprrs", min=50),
                _c("clinician_signoff"),
            ],
            regress=_regress_low(swelling=True),
            warn=_load_spike(),
            citations=["gallatin_graver2019", "glazer2009", *PAIN_CITES, *LOAD_CITES],
            notes=(
                "Normal training at 75-80% of pre-injury volume (Gallatin & Graver 2019); "
                "I-PRRS of 50 or more out of 60 is commonly read as ready (Glazer 2009). The "
                f"5-day minimum is {CLINIC_PROTOCOL}. " + LOAD_NOTE + " " + PAIN_RULES_LOW
            ),
        ),
        _phase(
            "Full return and monitoring",
            "Return to full training and competition while watching for recurrence.",
            min_days=14,
            typical_days=28,
            weight_bearing="fwb",
            crutches=False,
            impact="high",
            prescriptions=[
                _rx(
                    "run",
                    45,
                    4,
                    "per the normal training plan",
                    "Gradual changes, one at a time.",
                ),
                _rx("sport_specific", 60, 3, "per the normal training plan", "Full training."),
                _strength(30, 2, "RPE 6-8 of 10", "Maintenance strength including the foot."),
            ],
            advance=[
                _c("pain_free_streak", field="any", days=14),
                _c("clinician_signoff"),
            ],
            regress=_regress_low(swelling=True),
            warn=_load_spike(),
            citations=[*PAIN_CITES, *LOAD_CITES],
            notes=(
                "Advancing from this phase closes the plan. The 14-day minimum and 14 pain-free "
                f"days are {CLINIC_PROTOCOL}. " + LOAD_NOTE + " " + PAIN_RULES_LOW
            ),
        ),
    ],
)

# --- 4. generic low-risk ----------------------------------------------------------------------

LOW_RISK_GENERAL = _template(
    "low-risk-general",
    "Low-risk BSI: general progression (any low-risk site)",
    "A shorter, general plan for a low-risk bone stress injury at a site without its own "
    "template (pelvis, sacrum, calcaneus and others), or as a simpler alternative for the "
    "tibia, fibula, femoral shaft or metatarsal shaft. Pain-free loading with cross-training, "
    "a walking programme and a walk-run progression, then running and sport together. Not "
    "for the femoral neck: use the femoral-neck plan.",
    sites=[
        "posteromedial_tibia",
        "fibula",
        "femoral_shaft",
        "pelvis",
        "sacrum",
        "calcaneus",
        "metatarsal_shaft",
        "other",
    ],
    risk="low",
    conservative=False,
    citations=["diehl2006", "hoenig2023"],
    phases=[
        _phase(
            "Protected loading and cross-training",
            "Walk pain-free in daily life and keep fitness with non-impact training.",
            min_days=5,
            typical_days=10,
            weight_bearing="fwb",
            crutches=False,
            impact="low",
            prescriptions=[
                _rx(
                    "walk",
                    15,
                    7,
                    "easy pace, pain 0 of 10",
                    "Daily-living walking only; crutches for a few days if walking hurts.",
                ),
                _rx(
                    "cycle",
                    30,
                    3,
                    "RPE 3-5 of 10, steady",
                    "Only if pain-free at the injury site; for the pelvis or sacrum swimming or "
                    "deep-water running are often easier.",
                ),
                _aqua_jog(),
                _strength(
                    30,
                    3,
                    "RPE 4-6 of 10",
                    "Strength work that does not load the injured bone through pain.",
                ),
            ],
            advance=[
                _c("pain_max", field="any", max=0, days=5),
                _c("no_night_pain", days=5),
                _c("no_sharp_pain", days=5),
            ],
            regress=_regress_low(),
            warn=_load_spike(),
            citations=["george2024", *BONE_HEALTH_CITES, *PAIN_CITES, *LOAD_CITES],
            notes=(
                "Stop running and impact sport; pain-free walking is the first aim (George "
                f"2024). The 5-day minimum is {CLINIC_PROTOCOL}. The pelvis and sacrum are "
                "trabecular sites: screen bone health (Triad cumulative risk assessment, De "
                "Souza 2014; REDs CAT2, Mountjoy 2023) and consider a conservative plan when "
                "the screen is positive. " + LOAD_NOTE + " " + PAIN_RULES_LOW
            ),
        ),
        _phase(
            "Walking programme",
            "Build brisk walking to 30 minutes pain-free and pass the pre-running gates.",
            min_days=3,
            typical_days=5,
            weight_bearing="fwb",
            crutches=False,
            impact="low",
            prescriptions=[
                _walking_programme(),
                _strength(
                    30,
                    3,
                    "RPE 5-7 of 10, 3 sets of 8-15",
                    "Strength of the muscles around the injured bone; test limb symmetry.",
                ),
            ],
            advance=[
                *_pre_run_gates(hops=10, hop_pain=2, heel_raise=False),
                _c("pain_max", field="any", max=0, days=5),
                _c("no_night_pain", days=5),
            ],
            regress=_regress_low(),
            warn=_load_spike(),
            citations=[*PRE_RUN_CITES, *PAIN_CITES, *LOAD_CITES],
            notes=(
                _pre_run_note(hops=10, hop_pain=2, heel_raise=False)
                + " For a foot or lower-leg site add the heel-raise test (more than 25; "
                "guideline citing Warden 2014). "
                + f"The 3-day minimum is {CLINIC_PROTOCOL}. "
                + PAIN_RULES_LOW
            ),
        ),
        _phase(
            "Walk-run progression",
            "Reintroduce running in walk:run intervals up to 30 minutes of easy continuous "
            "running without pain.",
            min_days=8,
            typical_days=12,
            weight_bearing="fwb",
            crutches=False,
            impact="moderate",
            prescriptions=[
                _gg_walk_run("2-3 days"),
                _rx("cycle", 30, 2, "RPE 4-5 of 10", "On days between runs."),
                _strength(30, 2, "RPE 6-7 of 10", "Keep the strength work going."),
            ],
            advance=[
                _c("pain_max", field="any", max=1, days=7),
                _c("no_sharp_pain", days=7),
                _c("no_night_pain", days=7),
            ],
            regress=_regress_low(swelling=True),
            warn=_load_spike(),
            citations=["gallatin_graver2019", *PAIN_CITES, *LOAD_CITES],
            notes=(
                "Four walk:run stages of 2-3 days each (Gallatin & Graver 2019). Confirm 30 min "
                "of continuous running before advancing. " + LOAD_NOTE + " " + PAIN_RULES_LOW
            ),
        ),
        _phase(
            "Running and sport-specific progression",
            "Build running, then speed, hills and sport drills, to normal training without pain.",
            min_days=14,
            typical_days=14,
            weight_bearing="fwb",
            crutches=False,
            impact="high",
            prescriptions=[
                _rx(
                    "run",
                    35,
                    3,
                    "easy, RPE 3-4 of 10; strides or hills later at RPE 6-7",
                    "Add 10-30% a week (Gallatin & Graver 2019), duration or intensity, not "
                    "both; speed and hills from 50-60% of pre-injury volume.",
                ),
                _rx(
                    "plyometrics",
                    10,
                    2,
                    "low to moderate, RPE 4-6 of 10",
                    "From the second week: pogo hops, skipping, bounding; count foot contacts.",
                ),
                _rx(
                    "sport_specific",
                    30,
                    2,
                    "RPE 5-7 of 10",
                    "From 50-60% of pre-injury volume; submaximal drills, no competition.",
                ),
                _strength(30, 2, "RPE 6-8 of 10", "Maintenance strength."),
            ],
            advance=[
                _c("weekly_load_increase", max_percent=30),
                _c("pain_max", field="any", max=1, days=7),
                _c("pain_not_rising", field="during", tolerance=0),
                _c("no_sharp_pain", days=7),
                _c("no_night_pain", days=7),
                _c("assessment", test="readiness_iprrs", min=50),
                _c("clinician_signoff"),
            ],
            regress=_regress_low(swelling=True),
            warn=_load_spike(),
            citations=[
                "gallatin_graver2019",
                "nielsen2014",
                "buist2008",
                "edwards2018",
                "glazer2009",
                *PAIN_CITES,
                *LOAD_CITES,
            ],
            notes=(
                "Weekly session-RPE load may rise at most 30% (more than 30% over two weeks "
                "raised injuries in novice runners, Nielsen 2014; the 10% rule did not lower "
                "them, Buist 2008); +10% tissue stress roughly halves cycles to failure "
                "(Edwards 2018). Normal training at 75-80% of pre-injury volume (Gallatin & "
                "Graver 2019); I-PRRS of 50 or more out of 60 (Glazer 2009). The 14-day "
                f"minimum is the two weeks the weekly-load gate needs, {CLINIC_PROTOCOL}. "
                + LOAD_NOTE
                + " "
                + PAIN_RULES_LOW
            ),
        ),
        _phase(
            "Full return and monitoring",
            "Return to full training and competition while watching for recurrence.",
            min_days=14,
            typical_days=28,
            weight_bearing="fwb",
            crutches=False,
            impact="high",
            prescriptions=[
                _rx(
                    "run",
                    45,
                    4,
                    "per the normal training plan",
                    "Gradual changes, one at a time.",
                ),
                _rx("sport_specific", 60, 3, "per the normal training plan", "Full training."),
                _strength(30, 2, "RPE 6-8 of 10", "Maintenance strength twice a week."),
            ],
            advance=[
                _c("pain_free_streak", field="any", days=14),
                _c("clinician_signoff"),
            ],
            regress=_regress_low(swelling=True),
            warn=_load_spike(),
            citations=[*PAIN_CITES, *LOAD_CITES],
            notes=(
                "Advancing from this phase closes the plan. The 14-day minimum and 14 pain-free "
                f"days are {CLINIC_PROTOCOL}. " + LOAD_NOTE + " " + PAIN_RULES_LOW
            ),
        ),
    ],
)

# --- high-risk: shared later phases -----------------------------------------------------------


def _high_risk_late_phases(
    *,
    walk_min: int,
    walk_typical: int,
    heel_raise: bool,
    tenderness: bool,
    bone_health: bool,
    extra_walk_note: str = "",
) -> list[dict[str, Any]]:
    """Walking, walk-run, running, sport and full return at a high-risk site."""
    walk_advance = [
        *_pre_run_gates(hops=20, hop_pain=0, heel_raise=heel_raise, tenderness=tenderness),
    ]
    walk_cites = [*PRE_RUN_CITES, *PAIN_CITES, *LOAD_CITES]
    walk_note = _pre_run_note(hops=20, hop_pain=0, heel_raise=heel_raise, tenderness=tenderness)
    if bone_health:
        walk_advance.append(_c("assessment", test="bone_health_cra", max=5, within_days=28))
        walk_cites += BONE_HEALTH_CITES
        walk_note += " " + BONE_HEALTH_NOTE
    walk_advance += [
        _c("pain_max", field="any", max=0, days=5),
        _c("no_night_pain", days=5),
        _c("clinician_signoff"),
    ]
    return [
        _phase(
            "Walking programme",
            "Build brisk walking to 30 minutes pain-free and pass the pre-running gates.",
            min_days=walk_min,
            typical_days=walk_typical,
            weight_bearing="fwb",
            crutches=False,
            impact="low",
            prescriptions=[
                _walking_programme(),
                _rx("cycle", 30, 2, "RPE 3-5 of 10", "On days without a walk."),
                _strength(
                    30,
                    3,
                    "RPE 5-7 of 10, 3 sets of 8-15",
                    "Progressive strength of the muscles around the injured bone; test limb "
                    "symmetry at the end of the phase.",
                ),
            ],
            advance=walk_advance,
            regress=_regress_high(),
            warn=_load_spike(),
            citations=walk_cites,
            notes=(
                walk_note + " At a high-risk site the stricter clinic hop test applies (20 "
                f"pain-free hops). {extra_walk_note}The {walk_min}-day minimum is "
                f"{CLINIC_PROTOCOL}. " + PAIN_RULES_HIGH
            ),
        ),
        _phase(
            "Walk-run progression",
            "Reintroduce running in walk:run intervals up to 30 minutes of easy continuous "
            "running with no pain at all.",
            min_days=12,
            typical_days=14,
            weight_bearing="fwb",
            crutches=False,
            impact="moderate",
            prescriptions=[
                _gg_walk_run("3 days"),
                _rx("cycle", 30, 2, "RPE 4-5 of 10", "On days between runs."),
                _strength(30, 2, "RPE 6-7 of 10", "Keep the strength work going."),
            ],
            advance=[
                _c("pain_max", field="any", max=0, days=7),
                _c("pain_not_rising", field="during", tolerance=0),
                _c("no_sharp_pain", days=7),
                _c("no_night_pain", days=7),
                _c("clinician_signoff"),
            ],
            regress=_regress_high(),
            warn=_load_spike(),
            citations=["gallatin_graver2019", *PAIN_CITES, *LOAD_CITES],
            notes=(
                "Four walk:run stages at the upper end of 2-3 days each (Gallatin & Graver "
                "2019). Confirm 30 min of continuous pain-free running before advancing. "
                + LOAD_NOTE
                + " "
                + PAIN_RULES_HIGH
            ),
        ),
        _phase(
            "Running progression",
            "Build easy running at about 10% a week to 50-60% of pre-injury weekly volume.",
            min_days=14,
            typical_days=21,
            weight_bearing="fwb",
            crutches=False,
            impact="moderate",
            prescriptions=[
                _rx(
                    "run",
                    33,
                    3,
                    "easy, RPE 3-4 of 10, conversational",
                    "From 30 min, add about 10% a week, duration or intensity, not both (the "
                    "low end of Gallatin & Graver's 10-30%; OUH 2024). A rest day between runs.",
                ),
                _rx("cycle", 30, 1, "RPE 4-6 of 10", "Optional aerobic top-up on a non-run day."),
                _strength(30, 2, "RPE 6-8 of 10", "Heavier strength work."),
            ],
            advance=[
                _c("weekly_load_increase", max_percent=10),
                _c("pain_max", field="any", max=0, days=7),
                _c("pain_not_rising", field="during", tolerance=0),
                _c("no_sharp_pain", days=7),
                _c("no_night_pain", days=7),
                _c("clinician_signoff"),
            ],
            regress=_regress_high(),
            warn=_load_spike(),
            citations=[
                "gallatin_graver2019",
                "ouh2024",
                "nielsen2014",
                "buist2008",
                "edwards2018",
                *PAIN_CITES,
                *LOAD_CITES,
            ],
            notes=(
                "The weekly-load gate uses 10% (OUH 2024), the cautious end of 10-30% "
                "(Gallatin & Graver 2019): the 10% rule did not reduce injuries in novices "
                "(Buist 2008) but more than 30% over two weeks raised them (Nielsen 2014), and "
                "+10% tissue stress roughly halves cycles to failure (Edwards 2018). Advance at "
                "50-60% of pre-injury volume (confirm it). The 14-day minimum is the two weeks "
                f"the weekly-load gate needs, {CLINIC_PROTOCOL}. "
                + LOAD_NOTE
                + " "
                + PAIN_RULES_HIGH
            ),
        ),
        _phase(
            "Sport-specific training",
            "Add speed, hills, plyometrics and sport drills one at a time and reach 75-80% of "
            "normal training volume with no pain.",
            min_days=7,
            typical_days=10,
            weight_bearing="fwb",
            crutches=False,
            impact="high",
            prescriptions=[
                _rx(
                    "run",
                    40,
                    3,
                    "mostly easy; one session with strides or hills at RPE 6-7",
                    "Speed and hills from 50-60% of pre-injury volume (Gallatin & Graver "
                    "2019); one new hard element a week.",
                ),
                _rx(
                    "plyometrics",
                    10,
                    2,
                    "low, RPE 4-5 of 10",
                    "Pogo hops and skipping first, bounding and cutting later; count foot "
                    "contacts.",
                ),
                _rx("sport_specific", 30, 2, "RPE 5-7 of 10", "Sport drills, no competition yet."),
                _strength(30, 2, "RPE 6-8 of 10", "Maintenance strength."),
            ],
            advance=[
                _c("pain_max", field="any", max=0, days=7),
                _c("no_sharp_pain", days=7),
                _c("no_night_pain", days=7),
                _c("assessment", test="readiness_iprrs", min=50),
                _c("clinician_signoff"),
            ],
            regress=_regress_high(),
            warn=_load_spike(),
            citations=["gallatin_graver2019", "glazer2009", *PAIN_CITES, *LOAD_CITES],
            notes=(
                "Normal training at 75-80% of pre-injury volume (Gallatin & Graver 2019); "
                "I-PRRS of 50 or more out of 60 is commonly read as ready (Glazer 2009). The "
                f"7-day minimum is {CLINIC_PROTOCOL}. " + LOAD_NOTE + " " + PAIN_RULES_HIGH
            ),
        ),
        _phase(
            "Full return and monitoring",
            "Return to full training and competition while watching closely for recurrence.",
            min_days=28,
            typical_days=42,
            weight_bearing="fwb",
            crutches=False,
            impact="high",
            prescriptions=[
                _rx(
                    "run",
                    45,
                    4,
                    "per the normal training plan",
                    "Gradual changes, one at a time.",
                ),
                _rx("sport_specific", 60, 3, "per the normal training plan", "Full training."),
                _strength(30, 2, "RPE 6-8 of 10", "Maintenance strength twice a week."),
            ],
            advance=[
                _c("pain_free_streak", field="any", days=28),
                _c("clinician_signoff"),
            ],
            regress=_regress_high(),
            warn=_load_spike(),
            citations=[*PAIN_CITES, *LOAD_CITES],
            notes=(
                "Advancing from this phase closes the plan. The 28-day minimum and 28 pain-free "
                f"days are {CLINIC_PROTOCOL}. " + LOAD_NOTE + " " + PAIN_RULES_HIGH
            ),
        ),
    ]


# --- 5. navicular -----------------------------------------------------------------------------

NAVICULAR = _template(
    "navicular",
    "High-risk BSI: navicular",
    "For a navicular bone stress injury or stress fracture treated without surgery. Six to "
    "eight weeks non-weight-bearing in a cast, then a boot until pain-free, with union judged "
    "clinically (no tenderness at the N spot, pain-free weight bearing) and a clinician's "
    "sign-off before each step; CT is the clinician's option, not a default gate. Pooled "
    "return to sport is 127 days (95% CI 102-151); refer to a surgeon when conservative care "
    "fails.",
    sites=["navicular"],
    risk="high",
    conservative=False,
    version=2,
    citations=["hoenig2023", "diehl2006", "fowler2010", "khan1992"],
    phases=[
        _phase(
            "Non-weight-bearing cast",
            "Protect the navicular completely while it heals.",
            min_days=42,
            typical_days=49,
            weight_bearing="nwb",
            crutches=True,
            impact="none",
            prescriptions=[
                _strength(
                    30,
                    3,
                    "RPE 4-6 of 10",
                    "Upper body, trunk and hip work with the cast foot off the ground; the "
                    "other leg may be trained.",
                ),
                _rx(
                    "other",
                    20,
                    3,
                    "RPE 4-6 of 10",
                    "Upper-body ergometer (arm bike), seated.",
                ),
            ],
            advance=[
                _c("assessment", test="tenderness", max=0),
                _c("pain_max", field="rest", max=0, days=7),
                _c("no_night_pain", days=7),
                _c("clinician_signoff"),
            ],
            regress=_regress_high(swelling=False),
            warn=[],
            citations=[
                "fowler2010",
                "khan1992",
                "george2024",
                "diehl2006",
                *BONE_HEALTH_CITES,
                *PAIN_CITES,
            ],
            notes=(
                "A non-weight-bearing cast for 6-8 weeks is first-line care; weight-bearing "
                "treatment is not recommended (Fowler 2010). With at least 6 weeks "
                "non-weight-bearing 86% returned, against 26% with limited weight bearing "
                "(Khan 1992). Union is judged clinically: at cast removal, no tenderness at the "
                '"N spot" (the proximal dorsal navicular), and pain-free weight bearing in '
                "the boot phase that follows. CT healing does not necessarily mirror clinical "
                "union (Khan 1992): CT is the clinician's option, not a default gate (add an "
                "imaging criterion to the plan when wanted). Record the tenderness test during "
                "this phase, within 14 days of the decision. Screen bone "
                "health now (De Souza 2014; Mountjoy 2023; Burke 2018; Larson-Meyer 2015). "
                + PAIN_RULES_HIGH
            ),
        ),
        _phase(
            "Walking boot, progressive weight bearing",
            "Progress from partial to full weight bearing in the boot and walk pain-free.",
            min_days=14,
            typical_days=21,
            weight_bearing="boot",
            crutches=True,
            impact="low",
            prescriptions=[
                _rx(
                    "walk",
                    20,
                    7,
                    "easy pace, pain 0 of 10",
                    "In the boot: partial weight bearing on crutches, progressing to full "
                    "weight bearing in the boot as pain allows; then wean off the crutches.",
                ),
                _rx(
                    "swim",
                    30,
                    3,
                    "RPE 4-6 of 10",
                    "Pull buoy; no kicking against resistance and no push-offs from the wall "
                    "with the injured foot.",
                ),
                _aqua_jog(),
                _strength(
                    30,
                    3,
                    "RPE 4-6 of 10",
                    "Hip, thigh and trunk; gentle ankle range of motion out of the boot when "
                    "the clinician allows.",
                ),
            ],
            advance=[
                _c("pain_max", field="any", max=0, days=7),
                _c("assessment", test="tenderness", max=0),
                _c("no_night_pain", days=7),
                _c("clinician_signoff"),
            ],
            regress=_regress_high(),
            warn=_load_spike(),
            citations=["fowler2010", *PAIN_CITES, *LOAD_CITES],
            notes=(
                "A boot for 2-6 weeks until pain-free (Fowler 2010); the 14-day minimum is "
                f"{CLINIC_PROTOCOL}. " + LOAD_NOTE + " " + PAIN_RULES_HIGH
            ),
        ),
        _phase(
            "Full weight bearing and cross-training",
            "Walk pain-free in shoes and rebuild fitness and foot strength without impact.",
            min_days=7,
            typical_days=10,
            weight_bearing="fwb",
            crutches=False,
            impact="none",
            prescriptions=[
                _rx(
                    "cycle",
                    30,
                    3,
                    "RPE 4-5 of 10, steady",
                    "Stop if pain appears at the midfoot.",
                ),
                _aqua_jog(),
                _strength(
                    30,
                    3,
                    "RPE 5-6 of 10, 2-3 sets of 8-15",
                    "Calf raises (double-leg, then single-leg), foot intrinsics, hip and thigh.",
                ),
            ],
            advance=[
                _c("pain_max", field="any", max=0, days=7),
                _c("assessment", test="tenderness", max=0),
                _c("no_night_pain", days=7),
                _c("clinician_signoff"),
            ],
            regress=_regress_high(),
            warn=_load_spike(),
            citations=["george2024", *PAIN_CITES, *LOAD_CITES],
            notes=(
                "Supportive shoes; no bony tenderness (George 2024). The 7-day minimum is "
                f"{CLINIC_PROTOCOL}. " + LOAD_NOTE + " " + PAIN_RULES_HIGH
            ),
        ),
        *_high_risk_late_phases(
            walk_min=5,
            walk_typical=7,
            heel_raise=True,
            tenderness=True,
            bone_health=False,
        ),
    ],
)

# --- 6. femoral neck --------------------------------------------------------------------------

FEMORAL_NECK = _template(
    "femoral-neck",
    "High-risk BSI: femoral neck",
    "For a femoral neck bone stress injury managed without surgery: the compression "
    "(inferior) side, or the tension side only once an orthopaedic surgeon has set the "
    "management. Non-weight-bearing on crutches until pain-free at rest, then touch-down, "
    "partial and full weight bearing over 4-6 weeks, with imaging-confirmed healing and a "
    "bone-health review before impact; pooled return to sport is 107 days (95% CI 79-135).",
    sites=["femoral_neck_tension", "femoral_neck_compression"],
    risk="high",
    conservative=False,
    citations=["hoenig2023", "diehl2006", "medscape_flinn2014", "desouza2014", "mountjoy2023"],
    phases=[
        _phase(
            "Non-weight-bearing on crutches",
            "Offload the hip completely until there is no pain at rest.",
            min_days=7,
            typical_days=14,
            weight_bearing="nwb",
            crutches=True,
            impact="none",
            prescriptions=[
                _rx(
                    "swim",
                    20,
                    3,
                    "RPE 3-5 of 10, arms only",
                    "Pull buoy between the legs, no kicking and no push-offs; only once the "
                    "clinician agrees.",
                ),
                _rx("other", 20, 3, "RPE 4-6 of 10", "Upper-body ergometer (arm bike), seated."),
                _strength(
                    20,
                    3,
                    "RPE 3-5 of 10",
                    "Upper body and trunk; no loading through the injured hip.",
                ),
            ],
            advance=[
                _c("pain_max", field="rest", max=0, days=7),
                _c("no_night_pain", days=7),
                _c("clinician_signoff"),
            ],
            regress=_regress_high(swelling=False),
            warn=[],
            citations=["medscape_flinn2014", *BONE_HEALTH_CITES, *PAIN_CITES],
            notes=(
                "Tension side: non-weight-bearing and immediate orthopaedic referral (Medscape, "
                "Flinn 2014); use this plan only once the surgeon has set the management, and "
                "follow the surgeon's weight-bearing orders after fixation. Compression side: "
                "non-weight-bearing on crutches until pain-free at rest (Medscape); swimming "
                "and an upper-body ergometer keep fitness. No hop testing while the fracture "
                "is unhealed: single-leg hopping may complete it (Medscape). The femoral neck "
                "is a trabecular site: start the bone-health work-up now (De Souza 2014; "
                "Mountjoy 2023; dietitian, Burke 2018; vitamin D, Larson-Meyer 2015). The "
                f"7-day minimum is {CLINIC_PROTOCOL}. " + PAIN_RULES_HIGH
            ),
        ),
        _phase(
            "Touch-down to partial weight bearing",
            "Reload the hip gradually on crutches, from touch-down to partial weight bearing, "
            "without pain.",
            min_days=14,
            typical_days=21,
            weight_bearing="tdwb",
            crutches=True,
            impact="low",
            prescriptions=[
                _rx(
                    "walk",
                    15,
                    7,
                    "crutch walking, pain 0 of 10",
                    "Touch-down weight bearing first, then partial, as the clinician directs; "
                    "step back to the previous level with any pain.",
                ),
                _aqua_jog(20, 3),
                _rx(
                    "swim",
                    30,
                    2,
                    "RPE 3-5 of 10",
                    "Pull buoy, no kicking and no push-offs.",
                ),
                _strength(
                    30,
                    3,
                    "RPE 3-5 of 10",
                    "Pain-free hip isometrics, trunk and upper body.",
                ),
            ],
            advance=[
                _c("pain_max", field="any", max=0, days=7),
                _c("no_night_pain", days=7),
                _c("clinician_signoff"),
            ],
            regress=_regress_high(swelling=False),
            warn=_load_spike(),
            citations=["medscape_flinn2014", *PAIN_CITES, *LOAD_CITES],
            notes=(
                "Touch-down, partial, then full weight bearing without crutches over 4-6 "
                "weeks, depending on the clinical response (Medscape, Flinn 2014): this phase "
                "and the next share those weeks. The 14-day minimum is "
                f"{CLINIC_PROTOCOL}. " + LOAD_NOTE + " " + PAIN_RULES_HIGH
            ),
        ),
        _phase(
            "Full weight bearing and cross-training",
            "Walk without crutches pain-free, rebuild hip strength and fitness without impact, "
            "and confirm healing on imaging.",
            min_days=14,
            typical_days=21,
            weight_bearing="fwb",
            crutches=False,
            impact="none",
            prescriptions=[
                _rx("cycle", 30, 3, "RPE 3-5 of 10, steady", "Stationary bike, light resistance."),
                _aqua_jog(),
                _strength(
                    30,
                    3,
                    "RPE 5-6 of 10, 2-3 sets of 8-15",
                    "Hip abductor and extensor strength, progressing from lying to standing "
                    "exercises.",
                ),
            ],
            advance=[
                _c("pain_max", field="any", max=0, days=7),
                _c("assessment", test="imaging_healing", min=1),
                _c("no_night_pain", days=7),
                _c("clinician_signoff"),
            ],
            regress=_regress_high(),
            warn=_load_spike(),
            citations=["medscape_flinn2014", "george2024", *PAIN_CITES, *LOAD_CITES],
            notes=(
                "Radiological healing at a high-risk site comes before running (George 2024); "
                "this plan asks for it before the walking programme and the hop test, "
                f"{CLINIC_PROTOCOL}. Record the imaging result during this phase. The 14-day "
                f"minimum is {CLINIC_PROTOCOL}. " + LOAD_NOTE + " " + PAIN_RULES_HIGH
            ),
        ),
        *_high_risk_late_phases(
            walk_min=7,
            walk_typical=10,
            heel_raise=False,
            tenderness=False,
            bone_health=True,
            extra_walk_note=(
                "The femoral neck cannot be palpated, so the tenderness test is left out; hop "
                "only after imaging has confirmed healing (Medscape warns that hopping may "
                "complete an unhealed fracture). "
            ),
        ),
    ],
)

# --- 6b. anterior tibial cortex -----------------------------------------------------------------

ANTERIOR_TIBIA = _template(
    "anterior-tibia",
    "High-risk BSI: anterior tibial cortex",
    "For a stress fracture of the anterior tibial cortex (the dreaded black line) managed "
    "without surgery: a pneumatic brace and modified rest, as Batt et al. managed delayed "
    "union, with no non-weight-bearing phase by default and union judged clinically (no "
    "tenderness over the anterior cortex, pain-free activity). Recovery is long: "
    "unrestricted activity at a mean of 12 months (Batt 2001); an intramedullary nail is the "
    "surgeon's option when it does not heal.",
    sites=["anterior_tibia"],
    risk="high",
    conservative=False,
    citations=["diehl2006", "batt2001_rest", "hoenig2023"],
    phases=[
        _phase(
            "Brace and modified rest",
            "Let the anterior cortex heal in a pneumatic brace, walking for daily life only.",
            min_days=42,
            typical_days=84,
            weight_bearing="fwb",
            crutches=False,
            impact="low",
            prescriptions=[
                _rx(
                    "walk",
                    20,
                    7,
                    "daily-life walking in the brace, pain 0 of 10",
                    "Pneumatic leg brace for walking; crutches only if walking hurts.",
                ),
                _rx("swim", 30, 3, "RPE 4-6 of 10", "Pull buoy; no push-offs with the leg."),
                _rx("cycle", 20, 3, "RPE 3-5 of 10", "Stationary bike only if pain-free."),
                _strength(
                    30,
                    3,
                    "RPE 4-6 of 10",
                    "Hip, trunk and upper body; calf and foot work without pain.",
                ),
            ],
            advance=[
                _c("assessment", test="tenderness", max=0),
                _c("pain_max", field="any", max=0, days=7),
                _c("no_night_pain", days=7),
                _c("clinician_signoff"),
            ],
            regress=_regress_high(),
            warn=[],
            citations=["batt2001_rest", "george2024", *BONE_HEALTH_CITES, *PAIN_CITES],
            notes=(
                "Pneumatic bracing with modified rest (Batt 2001): no default "
                'non-weight-bearing and no default "until imaging shows healing" gate; union '
                "is judged clinically (no tenderness over the anterior cortex, pain-free "
                "walking). Imaging is the clinician's option (add an imaging criterion to the "
                f"plan when wanted). The 6-week minimum is {CLINIC_PROTOCOL}. Screen bone "
                "health now (De Souza 2014; Mountjoy 2023; Burke 2018; Larson-Meyer 2015). "
                + PAIN_RULES_HIGH
            ),
        ),
        _phase(
            "Full weight bearing and cross-training",
            "Walk out of the brace pain-free and rebuild fitness and strength without impact.",
            min_days=14,
            typical_days=28,
            weight_bearing="fwb",
            crutches=False,
            impact="none",
            prescriptions=[
                _rx("cycle", 30, 3, "RPE 4-5 of 10, steady", "Stop if pain appears."),
                _aqua_jog(),
                _strength(
                    30,
                    3,
                    "RPE 5-6 of 10, 2-3 sets of 8-15",
                    "Progressive calf, thigh and hip strength.",
                ),
            ],
            advance=[
                _c("pain_max", field="any", max=0, days=7),
                _c("assessment", test="tenderness", max=0),
                _c("no_night_pain", days=7),
                _c("clinician_signoff"),
            ],
            regress=_regress_high(),
            warn=_load_spike(),
            citations=["batt2001_rest", "george2024", *PAIN_CITES, *LOAD_CITES],
            notes=(
                "Wean from the brace when walking is pain-free and the anterior cortex is not "
                f"tender (George 2024). The 14-day minimum is {CLINIC_PROTOCOL}. "
                + LOAD_NOTE
                + " "
                + PAIN_RULES_HIGH
            ),
        ),
        *_high_risk_late_phases(
            walk_min=14,
            walk_typical=21,
            heel_raise=True,
            tenderness=True,
            bone_health=False,
            extra_walk_note="Recovery at the anterior tibia is long (Batt 2001): go slowly. ",
        ),
    ],
)

# --- 7. other high-risk sites -----------------------------------------------------------------

HIGH_RISK_GENERAL = _template(
    "high-risk-general",
    "High-risk BSI: general (medial malleolus, talus, 5th and 2nd metatarsal, sesamoids, patella)",
    "For a high-risk bone stress injury without a dedicated template: medial malleolus, "
    "lateral process of the talus, proximal 5th metatarsal, 2nd metatarsal base, great-toe "
    "sesamoids or patella, managed conservatively or after fixation with the surgeon's "
    "agreement. A protected non-weight-bearing phase, then a boot and progressive weight "
    "bearing, with imaging-confirmed healing, no bony tenderness and a clinician's sign-off "
    "before every step. The reference gives no pooled return time for these sites; after "
    "screw fixation of the proximal 5th metatarsal athletes returned in 8-10 weeks (Lareau "
    "2015).",
    sites=[
        "medial_malleolus",
        "talus",
        "mt5_proximal",
        "mt2_base",
        "sesamoid",
        "patella",
        "femoral_neck_tension",
    ],
    risk="high",
    conservative=False,
    version=2,
    citations=["diehl2006", "hoenig2023", "lareau2015", "robertson_wood2017"],
    phases=[
        _phase(
            "Protected, non-weight-bearing",
            "Protect the injured bone completely while it heals.",
            min_days=28,
            typical_days=42,
            weight_bearing="nwb",
            crutches=True,
            impact="none",
            prescriptions=[
                _strength(
                    30,
                    3,
                    "RPE 4-6 of 10",
                    "Upper body, trunk and the uninjured leg; no loading through the injured bone.",
                ),
                _rx("other", 20, 3, "RPE 4-6 of 10", "Upper-body ergometer (arm bike), seated."),
                _rx(
                    "swim",
                    20,
                    2,
                    "RPE 3-5 of 10, arms only",
                    "Pull buoy, no kicking and no push-offs; only once the clinician agrees.",
                ),
            ],
            advance=[
                _c("assessment", test="imaging_healing", min=1),
                _c("assessment", test="tenderness", max=0),
                _c("pain_max", field="rest", max=0, days=7),
                _c("no_night_pain", days=7),
                _c("clinician_signoff"),
            ],
            regress=_regress_high(swelling=False),
            warn=[],
            citations=[
                "batt2001",
                "robertson_wood2017",
                "lareau2015",
                "medscape_flinn2014",
                "george2024",
                "diehl2006",
                *BONE_HEALTH_CITES,
                *PAIN_CITES,
            ],
            notes=(
                "Offloading depends on the site: the anterior tibial cortex has its own plan "
                "(brace and modified rest, Batt 2001); patella, a high-risk site (Robertson & "
                "Wood 2017); proximal 5th metatarsal, surgical fixation is often advised in "
                "athletes, with return 8-10 weeks after screw fixation (Lareau 2015); femoral neck "
                "tension side, urgent surgical referral (Medscape; prefer the femoral-neck "
                "plan); navicular, use the navicular plan. Imaging-confirmed healing and no "
                "bony tenderness before weight bearing (George 2024: radiological healing at "
                "high-risk sites) are "
                f"gates of this plan; the 4-week minimum is {CLINIC_PROTOCOL}. Screen bone "
                "health now (De Souza 2014; Mountjoy 2023; Burke 2018; Larson-Meyer 2015). "
                + PAIN_RULES_HIGH
            ),
        ),
        _phase(
            "Boot and progressive weight bearing",
            "Progress from partial to full weight bearing in a boot or brace and walk pain-free.",
            min_days=14,
            typical_days=21,
            weight_bearing="boot",
            crutches=True,
            impact="low",
            prescriptions=[
                _rx(
                    "walk",
                    20,
                    7,
                    "easy pace, pain 0 of 10",
                    "Partial weight bearing on crutches in the boot or brace, progressing to "
                    "full weight bearing as pain allows; then wean off the crutches.",
                ),
                _rx(
                    "swim",
                    30,
                    3,
                    "RPE 4-6 of 10",
                    "Pull buoy; no push-offs from the wall with the injured leg.",
                ),
                _aqua_jog(),
                _strength(30, 3, "RPE 4-6 of 10", "Hip, thigh and trunk strength."),
            ],
            advance=[
                _c("pain_max", field="any", max=0, days=7),
                _c("assessment", test="tenderness", max=0),
                _c("no_night_pain", days=7),
                _c("clinician_signoff"),
            ],
            regress=_regress_high(),
            warn=_load_spike(),
            citations=["george2024", *PAIN_CITES, *LOAD_CITES],
            notes=(
                "Wean from the boot only when walking is pain-free and there is no bony "
                f"tenderness (George 2024). The 14-day minimum is {CLINIC_PROTOCOL}. "
                + LOAD_NOTE
                + " "
                + PAIN_RULES_HIGH
            ),
        ),
        _phase(
            "Full weight bearing and cross-training",
            "Walk pain-free in shoes and rebuild fitness and strength without impact.",
            min_days=7,
            typical_days=14,
            weight_bearing="fwb",
            crutches=False,
            impact="none",
            prescriptions=[
                _rx("cycle", 30, 3, "RPE 4-5 of 10, steady", "Stop if pain appears."),
                _aqua_jog(),
                _strength(
                    30,
                    3,
                    "RPE 5-6 of 10, 2-3 sets of 8-15",
                    "Progressive strength of the muscles around the injured bone, calf raises.",
                ),
            ],
            advance=[
                _c("pain_max", field="any", max=0, days=7),
                _c("assessment", test="tenderness", max=0),
                _c("no_night_pain", days=7),
                _c("clinician_signoff"),
            ],
            regress=_regress_high(),
            warn=_load_spike(),
            citations=["george2024", *PAIN_CITES, *LOAD_CITES],
            notes=(
                f"No bony tenderness (George 2024). The 7-day minimum is {CLINIC_PROTOCOL}. "
                + LOAD_NOTE
                + " "
                + PAIN_RULES_HIGH
            ),
        ),
        *_high_risk_late_phases(
            walk_min=7,
            walk_typical=10,
            heel_raise=True,
            tenderness=True,
            bone_health=False,
        ),
    ],
)

TEMPLATES: tuple[dict[str, Any], ...] = (
    TIBIA_LOW_RISK,
    TIBIA_LOW_RISK_CONSERVATIVE,
    METATARSAL_SHAFT,
    LOW_RISK_GENERAL,
    NAVICULAR,
    FEMORAL_NECK,
    ANTERIOR_TIBIA,
    HIGH_RISK_GENERAL,
)

_BY_SLUG: dict[str, dict[str, Any]] = {t["slug"]: t for t in TEMPLATES}

# --- helpers ----------------------------------------------------------------------------------


def get_template(slug: str) -> dict[str, Any]:
    """A deep copy of the template with this slug (safe to edit); `KeyError` if unknown."""
    try:
        return copy.deepcopy(_BY_SLUG[slug])
    except KeyError:
        raise KeyError(f"Unknown protocol template {slug!r}.") from None


def suggest(site: str, *, risk_factors: bool) -> list[str]:
    """Slugs of the templates for `site`, best first.

    Only templates that list the site are suggested, so a high-risk site never gets a low-risk
    template. The most specific template (fewest sites) comes first; with `risk_factors`
    (grade 3-4, positive Triad/REDs screen, previous BSI) a conservative variant comes first
    where one exists, and without them it comes after its standard template.
    """
    if site not in SITE_RISK:
        raise ValueError(f"Unknown site {site!r}.")
    candidates = [t for t in TEMPLATES if site in t["sites"]]
    if SITE_RISK[site] == "high":
        candidates = [t for t in candidates if t["risk"] == "high"]

    def key(t: dict[str, Any]) -> tuple[int, int, int]:
        # Conservative preference first when risk factors are present, then specificity;
        # without risk factors, specificity first and the standard before the conservative.
        order = TEMPLATES.index(t)
        if risk_factors:
            return (0 if t["conservative"] else 1, len(t["sites"]), order)
        return (len(t["sites"]), 1 if t["conservative"] else 0, order)

    return [t["slug"] for t in sorted(candidates, key=key)]


def days_to_return(slug: str) -> tuple[int, int]:
    """(minimum, typical) days from the plan's start to return to sport.

    Return to sport is the start of the last phase ("full return and monitoring"), so this is
    the sum over every phase but the last: comparable with `TYPICAL_RETURN_DAYS`.
    """
    phases = _BY_SLUG[slug]["phases"][:-1]
    return sum(p["min_days"] for p in phases), sum(p["typical_days"] for p in phases)
