"""Reviews on the product page: posting, moderation, escaping, bad input."""

import pytest
from django.test import Client

from coleman.ratings import services
from coleman.ratings.models import Rating, RatingSummary, Review, ReviewStatus
from tests.factories.ratings import RatingFactory, ReviewFactory
from tests.factories.users import UserFactory

from .helpers import review_url

pytestmark = pytest.mark.django_db


def test_customer_posts_a_review_and_sees_it_on_the_product_page(customer_client, product):
    """A posted review is published at once, with author, date, stars and text, after a redirect."""
    response = customer_client.post(review_url(product), {"body": "Perfect with turkey.", "stars": "5"})
    assert response.status_code == 302
    assert response["Location"] == product.get_absolute_url() + "#reviews"
    page = customer_client.get(product.get_absolute_url()).content.decode()
    assert "Thanks! Your review is published." in page
    assert "Perfect with turkey." in page
    assert "Jesse L." in page
    assert 'aria-label="Rated 5 out of 5"' in page
    review = Review.objects.get()
    assert f'datetime="{review.created.isoformat()}"' in page or review.created.strftime("%Y") in page
    assert Rating.objects.get().value == 5


def test_review_without_stars_is_fine(customer_client, product):
    """The star rating of a review is optional."""
    response = customer_client.post(review_url(product), {"body": "Just words.", "stars": ""})
    assert response.status_code == 302
    assert Review.objects.get().body == "Just words."
    assert not Rating.objects.exists()


def test_review_list_shows_the_authors_current_rating(client, product):
    """Each review shows the stars its author gave the product, if any."""
    rated = ReviewFactory(content_object=product, body="With stars")
    ReviewFactory(content_object=product, body="Without stars")
    RatingFactory(content_object=product, user=rated.user, value=2)
    page = client.get(product.get_absolute_url()).content.decode()
    assert page.count('aria-label="Rated 2 out of 5"') == 1


def test_author_is_never_shown_by_email(client, product):
    """A user without a name is shown by the part of the user name before any @."""
    ReviewFactory(content_object=product, user=UserFactory(username="secret.person@mail.example", first_name=""))
    page = client.get(product.get_absolute_url()).content.decode()
    assert "secret.person" in page
    assert "mail.example" not in page


def test_script_in_a_review_is_shown_as_text(client, customer_client, product):
    """HTML in reviews is escaped: a <script> is shown as text, never run."""
    evil = '<script>alert("xss")</script><img src=x onerror=alert(1)>'
    customer_client.post(review_url(product), {"body": evil})
    page = client.get(product.get_absolute_url()).content.decode()
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;" in page


def test_review_form_fields_are_labelled_and_described(customer_client, product):
    """The review form's fields have labels (the required one marked) and the text's help is
    tied to it for screen readers."""
    page = customer_client.get(product.get_absolute_url()).content.decode()
    assert (
        '<label for="id_review_body">Your review:</label><span class="required-mark" aria-hidden="true"> *</span>'
        in page
    )
    assert '<label for="id_review_stars">Your rating (optional):</label>' in page
    assert 'aria-describedby="id_review_body_helptext"' in page
    assert 'id="id_review_body_helptext">Up to 5,000 characters.' in page


def test_anonymous_shoppers_see_a_login_link_not_a_form(client, product):
    """Logged-out shoppers see reviews and a "Log in" link that comes back to the review form."""
    page = client.get(product.get_absolute_url()).content.decode()
    assert 'href="/accounts/login/?next=/ratings/reviews/products.product/' in page
    assert "Post review" not in page


def test_anonymous_review_posts_go_to_login(client, product):
    """An anonymous review post writes nothing and goes to the login page."""
    response = client.post(review_url(product), {"body": "Hello"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert not Review.objects.exists()


def test_huge_review_is_refused_with_a_clear_message(customer_client, product):
    """A body over COLEMAN_REVIEWS_MAX_LENGTH answers 400 with the form and the limit; nothing saved."""
    response = customer_client.post(review_url(product), {"body": "x" * 5001})
    assert response.status_code == 400
    assert "Please keep your review under 5,000 characters (it has 5001)." in response.content.decode()
    assert not Review.objects.exists()


def test_request_bigger_than_the_upload_limit_is_400(customer_client, product):
    """A body beyond Django's request size limit is a 400 too, not a 500."""
    response = customer_client.post(review_url(product), {"body": "x" * 3_000_000})
    assert response.status_code == 400
    assert not Review.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"body": "   "}, "Please write a few words about it."),
        ({"body": "ok", "stars": "6"}, "Select a valid choice."),
        ({"body": "ok", "stars": "abc"}, "Select a valid choice."),
        ({"body": "ok", "website": "http://spam.example"}, "This review looks like spam and was not posted."),
    ],
)
def test_invalid_reviews_are_400_with_the_reason(customer_client, product, data, message):
    """Empty text, bad stars and a filled honeypot answer 400 with a clear message."""
    response = customer_client.post(review_url(product), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Review.objects.exists()


def test_review_form_page_prefills_the_customers_review(customer_client, customer, product):
    """GET on the review address shows the form with the customer's own review to edit."""
    ReviewFactory(content_object=product, user=customer, body="My old words")
    RatingFactory(content_object=product, user=customer, value=3)
    page = customer_client.get(review_url(product)).content.decode()
    assert "My old words" in page
    assert '<option value="3" selected>' in page


def test_reviews_of_unknown_or_disallowed_objects_are_404(customer_client, customer):
    """Reviews of missing objects or models outside the setting answer 404 with a message."""
    response = customer_client.post("/ratings/reviews/products.product/424242/", {"body": "x"})
    assert response.status_code == 404
    response = customer_client.post(f"/ratings/reviews/auth.user/{customer.pk}/", {"body": "x"})
    assert response.status_code == 404
    assert "cannot be rated or reviewed" in response.content.decode()


def test_pre_moderated_review_waits_and_author_is_told(settings, customer_client, client, product):
    """With pre-moderation the review is hidden from others; its author sees it is waiting."""
    settings.COLEMAN_REVIEWS_REQUIRE_APPROVAL = True
    customer_client.post(review_url(product), {"body": "Moderate me"})
    own_page = customer_client.get(product.get_absolute_url()).content.decode()
    assert "Your review will appear once our staff have approved it." in own_page
    assert "Your review is waiting for approval by our staff." in own_page
    assert "Moderate me" in own_page  # in the author's edit form only
    other_page = Client().get(product.get_absolute_url()).content.decode()
    assert "Moderate me" not in other_page
    assert Review.objects.get().status == ReviewStatus.PENDING


def test_review_csrf_is_enforced(customer, product):
    """A review post without the CSRF token is refused."""
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(customer)
    assert csrf_client.post(review_url(product), {"body": "Hi"}).status_code == 403
    assert not Review.objects.exists()


def test_staff_approve_and_remove_in_the_admin(staff_client, client, product):
    """The admin's approve and remove actions publish and hide reviews and recount the summary."""
    pending = ReviewFactory(content_object=product, status=ReviewStatus.PENDING, body="Pending words")
    published = ReviewFactory(content_object=product, body="Published words")
    changelist = "/admin/ratings/review/"
    assert staff_client.get(changelist).status_code == 200
    response = staff_client.post(changelist, {"action": "approve", "_selected_action": [pending.pk]}, follow=True)
    assert "1 review(s) approved." in response.content.decode()
    page = client.get(product.get_absolute_url()).content.decode()
    assert "Pending words" in page and "Published words" in page
    staff_client.post(changelist, {"action": "remove", "_selected_action": [published.pk]})
    page = client.get(product.get_absolute_url()).content.decode()
    assert "Published words" not in page
    assert Review.objects.get(pk=published.pk).status == ReviewStatus.REMOVED
    assert RatingSummary.objects.for_object(product).get().review_count == 1


def test_staff_edit_of_status_in_the_change_form_recounts(staff_client, product):
    """Changing a review's status in its change form updates the product's review count."""
    review = ReviewFactory(content_object=product, status=ReviewStatus.PENDING)
    response = staff_client.post(
        f"/admin/ratings/review/{review.pk}/change/", {"body": review.body, "status": ReviewStatus.APPROVED}
    )
    assert response.status_code == 302
    assert RatingSummary.objects.for_object(product).get().review_count == 1


def test_admin_pages_render(staff_client, product):
    """The ratings, reviews and summaries admin lists render for staff."""
    RatingFactory(content_object=product)
    ReviewFactory(content_object=product)
    for url in ["/admin/ratings/rating/", "/admin/ratings/review/", "/admin/ratings/ratingsummary/"]:
        assert staff_client.get(url).status_code == 200, url


def test_only_the_newest_reviews_are_listed(settings, client, product):
    """COLEMAN_REVIEWS_SHOWN limits the list to the newest reviews and says so."""
    settings.COLEMAN_REVIEWS_SHOWN = 2
    for body in ["oldest words", "middle words", "newest words"]:
        services.post_review(UserFactory(), product, body)
    page = client.get(product.get_absolute_url()).content.decode()
    assert "newest words" in page and "middle words" in page
    assert "oldest words" not in page
    assert "Showing the 2 newest of 3 reviews." in page


def test_a_refused_review_has_the_stores_error_summary(customer_client, product):
    """A review without text: the store's error summary links to the field, the title starts
    with "Error: " and the field is marked invalid and described by its message."""
    html = customer_client.post(review_url(product), {"body": ""}).content.decode()
    assert "data-error-summary" in html and 'href="#id_body"' in html
    assert "<title>Error: " in html
    assert 'aria-invalid="true"' in html and 'id="id_body_error"' in html
