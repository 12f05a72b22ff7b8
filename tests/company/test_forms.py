"""Forms show errors next to the field, in the reader's language; uploads are judged by
their content and size; the services' refusals reach the form."""

from datetime import date

import pytest
from django.test import Client

from accounts.models import Entity, User
from accounts.personal import digest
from tests import builders
from tests.company.conftest import EXE, PDF, PNG, upload
from vouchers.models import Contract

pytestmark = pytest.mark.django_db


def declaration_form(evidence):
    return {
        "declared_on": "2024-05-01",
        "fiscal_year": "2023",
        "registered_region": "510100",
        "industry": "65",
        "employees": "80",
        "prior_year_revenue": "30000000.00",
        "evidence": evidence,
    }


def field_error(response, field):
    form = response.context["form"]
    return " ".join(form.errors.get(field, []))


def test_a_declaration_with_its_evidence_is_kept(as_clerk, company):
    before = company.declarations.count()
    response = as_clerk.post("/company/declarations/new/", declaration_form(upload()))
    assert response.status_code == 302
    assert company.declarations.count() == before + 1
    assert company.declarations.latest("pk").evidence.read() == PDF


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("report.pdf", EXE, "仅接受 PDF、JPEG 或 PNG 文件"),
        ("scan.png", b"plain text, not an image", "仅接受 PDF、JPEG 或 PNG 文件"),
        ("report.pdf", PNG, "文件名与其内容不符"),
        ("photo.jpg", PDF, "文件名与其内容不符"),
    ],
)
def test_an_upload_whose_content_is_not_what_is_allowed_or_named_is_refused(
    as_clerk, company, name, content, reason
):
    before = company.declarations.count()
    response = as_clerk.post("/company/declarations/new/", declaration_form(upload(name, content)))
    assert response.status_code == 200
    assert reason in field_error(response, "evidence")
    assert company.declarations.count() == before


def test_a_png_named_png_is_accepted(as_clerk, company):
    response = as_clerk.post("/company/declarations/new/", declaration_form(upload("a.png", PNG)))
    assert response.status_code == 302


def test_an_upload_over_the_size_limit_is_refused_in_english(as_clerk_en, company, settings):
    settings.COMPANY_UPLOAD_MAX_BYTES = 1024
    big = upload("big.pdf", PDF + b"0" * 2048)
    response = as_clerk_en.post("/company/declarations/new/", declaration_form(big))
    assert "The file is too large: at most 1.0\xa0KB." in field_error(response, "evidence")


def test_a_declaration_dated_in_the_future_is_refused_in_both_languages(as_clerk, as_clerk_en):
    form = {**declaration_form(upload()), "declared_on": "2024-06-02"}
    chinese = as_clerk.post("/company/declarations/new/", form)
    assert "申报日期不能晚于今天" in field_error(chinese, "declared_on")
    form["evidence"] = upload()
    english = as_clerk_en.post("/company/declarations/new/", form)
    assert "A declaration cannot be dated in the future." in field_error(english, "declared_on")


def test_a_required_field_left_empty_is_named_in_both_languages(as_clerk, as_clerk_en, programme):
    url = f"/company/programmes/{programme.pk}/apply/"
    assert "该字段是必填项" in field_error(as_clerk.post(url, {}), "number")
    assert "This field is required." in field_error(as_clerk_en.post(url, {}), "number")


def register_form(code):
    return {
        "name": "成都新公司",
        "credit_code": code,
        "kind": "enterprise",
        "region_code": "510100",
        "legal_representative": "张三",
        "business_licence": upload("licence.pdf"),
    }


@pytest.fixture
def newcomer(db):
    client = Client()
    client.force_login(builders.UserFactory(username="newcomer@example.com"))
    return client


def test_a_mistyped_credit_code_is_refused_next_to_the_field(newcomer):
    code = builders.credit_code()
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    response = newcomer.post("/company/register/", register_form(wrong))
    assert "统一社会信用代码校验位错误" in field_error(response, "credit_code")
    newcomer.cookies["django_language"] = "en"
    response = newcomer.post("/company/register/", register_form(wrong))
    assert "Unified Social Credit Code has a wrong check digit" in field_error(
        response, "credit_code"
    )
    assert not Entity.objects.filter(credit_code=wrong).exists()


def test_the_credit_code_is_checked_as_it_is_typed(newcomer, company, clerk):
    url = "/company/register/check-credit-code/"
    # The right shape, but the check character should be F.
    wrong_check = "91510100MA6CGUT70D"
    assert "校验位错误" in newcomer.get(url, {"credit_code": wrong_check}).content.decode()
    ok = newcomer.get(url, {"credit_code": builders.credit_code()}).content.decode()
    assert 'data-testid="credit-code-ok"' in ok
    taken = newcomer.get(url, {"credit_code": company.credit_code}).content.decode()
    assert "cl***@xinghe.example" in taken


def test_an_entity_already_registered_says_whom_to_ask(newcomer, company, clerk):
    response = newcomer.post("/company/register/", register_form(company.credit_code))
    error = field_error(response, "credit_code")
    assert "该单位已注册" in error and "cl***@xinghe.example" in error
    assert clerk.display_name not in error and clerk.display_name[0] in error
    assert Entity.objects.filter(credit_code=company.credit_code).count() == 1


CONTRACT = {
    "number": "HT-9",
    "signed_on": "2024-03-01",
    "service_start": "2024-03-01",
    "service_end": "2024-12-31",
    "value": "100000.00",
    "accelerator_origin": "domestic",
    "accelerator_hours": "0",
    "purpose": "model_training",
}


def test_a_contract_number_the_provider_already_has_is_refused(
    as_clerk, programme, centre, company
):
    builders.contract(entity=company, provider=centre, number="HT-9")
    response = as_clerk.post(
        f"/company/programmes/{programme.pk}/apply/", {**CONTRACT, "provider": centre.pk}
    )
    assert response.status_code == 200
    assert field_error(response, "number") or response.context["form"].non_field_errors()
    assert Contract.objects.filter(number="HT-9").count() == 1


def test_a_submitted_application_cannot_be_edited(as_clerk, application, centre):
    before = application.contract.value
    response = as_clerk.post(
        f"/company/applications/{application.pk}/edit/",
        {**CONTRACT, "provider": centre.pk, "value": "900000.00"},
    )
    assert response.status_code == 302
    application.contract.refresh_from_db()
    assert application.contract.value == before


def test_the_live_estimate_uses_the_value_as_typed(as_clerk, programme, centre):
    url = f"/company/programmes/{programme.pk}/estimate/"
    query = {**CONTRACT, "provider": centre.pk}
    page = as_clerk.get(url, {**query, "value": "123456.78"}, HTTP_HX_REQUEST="true")
    assert "¥61,728.39" in page.content.decode()
    assert "<html" not in page.content.decode()
    small = as_clerk.get(url, {**query, "value": "100.00"}).content.decode()
    assert "低于最低补贴额" in small


def test_an_invitation_is_sent_and_accepted_once_by_its_addressee(
    as_clerk, company, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        as_clerk.post("/company/team/", {"email": "Colleague@Xinghe.example"})
    invitation = company.invitations.get()
    assert mailoutbox[0].to == ["colleague@xinghe.example"]
    assert invitation.token in mailoutbox[0].body
    url = f"/company/invitations/{invitation.token}/"
    assert "colleague@xinghe.example" in Client().get(url).content.decode()

    stranger = Client()
    stranger.force_login(builders.UserFactory(username="stranger", email="s@example.com"))
    stranger.post(url)
    assert stranger.get("/company/applications/").status_code == 302

    colleague = Client()
    colleague.force_login(
        builders.UserFactory(username="colleague", email="colleague@xinghe.example")
    )
    colleague.post(url)
    assert colleague.get("/company/applications/").status_code == 200
    invitation.refresh_from_db()
    assert invitation.accepted_by.username == "colleague"


def test_the_team_page_lists_invitations_a_page_at_a_time(as_clerk, company, clerk):
    from company.models import Invitation

    Invitation.objects.bulk_create(
        Invitation(
            entity=company, invited_by=clerk, email=f"staff{n:02d}@xinghe.example", token=f"t{n}"
        )
        for n in range(25)
    )
    first = as_clerk.get("/company/team/").content.decode()
    second = as_clerk.get("/company/team/?page=2").content.decode()
    assert "staff24@xinghe.example" in first and "staff00@xinghe.example" not in first
    assert "staff00@xinghe.example" in second


def test_withdrawing_asks_first_then_withdraws(as_clerk, draft):
    confirm = as_clerk.get(f"/company/applications/{draft.pk}/withdraw/")
    assert "撤回" in confirm.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft"
    as_clerk.post(f"/company/applications/{draft.pk}/withdraw/")
    draft.refresh_from_db()
    assert draft.status == "withdrawn"


def test_the_evidence_downloads_for_its_entity(as_clerk, declaration):
    response = as_clerk.get(f"/company/declarations/{declaration.pk}/evidence/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


def test_the_declarations_history_keeps_every_date(as_clerk, company, clerk):
    from accounts.services import declare_profile

    declare_profile(
        entity=company,
        by=clerk,
        declared_on=date(2024, 1, 5),
        fiscal_year=2022,
        registered_region="510100",
        industry="65",
        employees=50,
        prior_year_revenue=1,
        is_startup=False,
    )
    html = as_clerk.get("/company/declarations/").content.decode()
    assert "2024年1月5日" in html and "2024年6月1日" in html


@pytest.mark.parametrize(
    ("language", "reason"),
    [("zh-hans", "这个密码太常见了。"), ("en", "This password is too common.")],
)
def test_sign_up_applies_djangos_password_rules_in_the_readers_language(db, language, reason):
    client = Client()
    client.cookies["django_language"] = language
    form = {"email": "a@b.example", "display_name": "A", "password": "password123"}
    response = client.post("/company/sign-up/", {**form, "password_again": "password123"})
    assert reason in field_error(response, "password")
    assert not User.objects.filter(email="a@b.example").exists()


def test_a_declaration_keeps_its_related_party_profile_encrypted(as_clerk, company):
    holding = builders.credit_code(serial=4242)
    form = {
        **declaration_form(upload()),
        "legal_representative": "陈算",
        "legal_rep_id": "51010119900307123x",
        "shareholder_text": f"成都控股有限公司, {holding}\n李四，110101198001011234",
        "registered_address": "成都市高新区天府大道1号",
        "phone": "028-8888-1234",
        "bank_account": "6222 0210 0112 3456",
    }
    assert as_clerk.post("/company/declarations/new/", form).status_code == 302
    declared = company.declarations.latest("pk")
    assert declared.legal_rep_id == "51010119900307123x"
    assert declared.phone_digest == digest("02888881234")
    assert declared.shareholder_codes == [holding]
    assert len(declared.shareholder_digests) == 2


def test_a_shareholder_line_without_a_code_is_named_in_both_languages(as_clerk, as_clerk_en):
    form = {**declaration_form(upload()), "shareholder_text": "甲公司, 91510100MA61R8XQ2K\n乙"}
    assert "第 2 行" in field_error(
        as_clerk.post("/company/declarations/new/", form), "shareholder_text"
    )
    form["evidence"] = upload()
    english = as_clerk_en.post("/company/declarations/new/", form)
    assert 'line 2 must be "name, credit code or ID number"' in field_error(
        english, "shareholder_text"
    )


def test_personal_data_is_not_shown_back_and_an_empty_field_keeps_it(as_clerk, company):
    today = {"declared_on": "2024-06-01"}  # after the company's first declaration
    form = {
        **declaration_form(upload()),
        **today,
        "phone": "028-8888-1234",
        "registered_address": "高新区",
    }
    as_clerk.post("/company/declarations/new/", form)
    again = as_clerk.get("/company/declarations/new/").content.decode()
    assert "028-8888-1234" not in again and "高新区" in again
    as_clerk.post(
        "/company/declarations/new/", {**declaration_form(upload()), **today, "phone": ""}
    )
    assert company.declarations.latest("pk").phone == "028-8888-1234"


def test_the_declarations_read_region_and_industry_by_name(as_clerk, as_clerk_en, declaration):
    chinese = as_clerk.get("/company/declarations/").content.decode()
    english = as_clerk_en.get("/company/declarations/").content.decode()
    assert "成都市 (510100)" in chinese
    assert "Chengdu (510100)" in english
    assert ">65</td>" not in chinese + english
    assert "Software and information technology services" in english
