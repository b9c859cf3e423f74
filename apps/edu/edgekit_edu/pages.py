"""The app's pages: plain forms that work without JavaScript on a 360 px phone, each post answered by a
redirect or a page (no double records on reload).

Pupils (pages_join, pages_pupil, pages_tutor): /join (class code -> own name -> PIN or pictures), /learn
(assigned skills and progress), /lessons, /practice/<skill>, /tutor (text or a recording; the hint read aloud).
Teachers (pages_teacher): /teach (classes), /teach/<code> (pupils, assignments, mastery grid, who is stuck,
flags), its cards, exchanges and CSV export. A pupil never reaches a teacher's page (403), nor another pupil's
work (404), and a teacher only their own classes (404 for others').
"""

from edgekit.sdk import AppContext


def add_pages(app: AppContext, router) -> None:
    from edgekit_edu.page_tools import Pages
    from edgekit_edu.pages_join import add_join_pages
    from edgekit_edu.pages_pupil import add_pupil_pages
    from edgekit_edu.pages_teacher import add_teacher_pages
    from edgekit_edu.pages_tutor import add_tutor_pages

    pages = Pages(app)
    for add in (add_join_pages, add_pupil_pages, add_tutor_pages, add_teacher_pages):
        add(pages, router)
