"""factory_boy factories for the whole suite, in one place."""

from __future__ import annotations

import datetime as dt

import factory

from athletes.models import Athlete, CareTeamMember, Case, Team, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("s3cret-pass")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")
    sport = "Athletics"


class AthleteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Athlete

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    sex = Athlete.Sex.FEMALE
    sport = "Distance running"
    date_of_birth = dt.date(2002, 5, 1)
    team = factory.SubFactory(TeamFactory)


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    athlete = factory.SubFactory(AthleteFactory)
    site = "posteromedial_tibia"
    side = Case.Side.LEFT
    grade = 2
    grading_system = Case.GradingSystem.FREDERICSON
    diagnosed_on = dt.date(2026, 10, 1)


class CareTeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CareTeamMember

    case = factory.SubFactory(CaseFactory)
    user = factory.SubFactory(UserFactory)
    role = CareTeamMember.Role.CLINICIAN
