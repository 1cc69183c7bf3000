"""The words of the e-mails and pages the platform itself writes, in every letter language.

Placeholders are filled by the Jinja templates in `templates/`; a language we lack falls
back to English.
"""

from collections.abc import Mapping

TEXTS: Mapping[str, Mapping[str, str]] = {
    "en": {
        "confirm_subject": "Please confirm your letter to the {embassy}",
        "confirm_intro": "You asked us to send the letter below to the {embassy} for you. "
        "Nothing is sent until you confirm.",
        "confirm_action": "Confirm and send the letter",
        "confirm_expiry": "The link works until {expires}. If you do nothing, the letter "
        "and your details are erased then.",
        "confirm_ignore": "If you did not ask for this, ignore this e-mail.",
        "copy_heading": "The letter that will be sent",
        "from": "From", "reply_to": "Reply-To", "to": "To", "cc": "Cc", "subject": "Subject",
        "notice_subject": "Your letter to the {embassy} did not arrive",
        "notice_intro": "We could not deliver your letter to the {embassy}. Here is a copy, "
        "and other ways to reach the embassy.",
        "other_ways": "Other ways to reach the embassy",
        "website": "Website", "post": "Postal address",
        "pdf": "A printable letter to post: {url}",
        "page_title_ok": "Your letter is on its way",
        "page_ok": "Thank you. Your letter to the {embassy} is queued and will be sent shortly.",
        "page_title_bad": "This link does not work",
        "page_bad": "The link has expired or was already used. Nothing was sent. "
        "You can write the letter again.",
        "page_status": "Follow your letter",
    },
    "ru": {
        "confirm_subject": "Подтвердите, пожалуйста, ваше письмо: {embassy}",
        "confirm_intro": "Вы попросили нас отправить письмо ниже от вашего имени: {embassy}. "
        "Ничего не будет отправлено, пока вы не подтвердите.",
        "confirm_action": "Подтвердить и отправить письмо",
        "confirm_expiry": "Ссылка действует до {expires}. Если вы ничего не сделаете, письмо "
        "и ваши данные будут удалены.",
        "confirm_ignore": "Если вы об этом не просили, просто не отвечайте на это письмо.",
        "copy_heading": "Письмо, которое будет отправлено",
        "from": "От", "reply_to": "Ответ на", "to": "Кому", "cc": "Копия", "subject": "Тема",
        "notice_subject": "Ваше письмо не дошло: {embassy}",
        "notice_intro": "Нам не удалось доставить ваше письмо ({embassy}). Вот его копия "
        "и другие способы связаться с посольством.",
        "other_ways": "Другие способы связаться с посольством",
        "website": "Сайт", "post": "Почтовый адрес",
        "pdf": "Письмо для печати и отправки почтой: {url}",
        "page_title_ok": "Ваше письмо отправляется",
        "page_ok": "Спасибо. Ваше письмо ({embassy}) поставлено в очередь и скоро будет "
        "отправлено.",
        "page_title_bad": "Эта ссылка не действует",
        "page_bad": "Срок действия ссылки истёк, или она уже была использована. Ничего не "
        "отправлено. Вы можете написать письмо заново.",
        "page_status": "Следить за письмом",
    },
    "de": {
        "confirm_subject": "Bitte bestätigen Sie Ihren Brief an: {embassy}",
        "confirm_intro": "Sie haben uns gebeten, den folgenden Brief für Sie an {embassy} zu "
        "senden. Nichts wird gesendet, bevor Sie bestätigen.",
        "confirm_action": "Bestätigen und den Brief senden",
        "confirm_expiry": "Der Link gilt bis {expires}. Tun Sie nichts, werden der Brief und "
        "Ihre Angaben dann gelöscht.",
        "confirm_ignore": "Wenn Sie das nicht veranlasst haben, ignorieren Sie diese E-Mail.",
        "copy_heading": "Der Brief, der gesendet wird",
        "from": "Von", "reply_to": "Antwort an", "to": "An", "cc": "Kopie", "subject": "Betreff",
        "notice_subject": "Ihr Brief an {embassy} ist nicht angekommen",
        "notice_intro": "Wir konnten Ihren Brief an {embassy} nicht zustellen. Hier ist eine "
        "Kopie und andere Wege, die Botschaft zu erreichen.",
        "other_ways": "Andere Wege zur Botschaft",
        "website": "Website", "post": "Postanschrift",
        "pdf": "Ein Brief zum Ausdrucken und Versenden: {url}",
        "page_title_ok": "Ihr Brief ist unterwegs",
        "page_ok": "Danke. Ihr Brief an {embassy} ist in der Warteschlange und wird bald "
        "gesendet.",
        "page_title_bad": "Dieser Link funktioniert nicht",
        "page_bad": "Der Link ist abgelaufen oder wurde schon benutzt. Nichts wurde gesendet. "
        "Sie können den Brief neu schreiben.",
        "page_status": "Ihren Brief verfolgen",
    },
    "fr": {
        "confirm_subject": "Merci de confirmer votre lettre : {embassy}",
        "confirm_intro": "Vous nous avez demandé d'envoyer pour vous la lettre ci-dessous : "
        "{embassy}. Rien n'est envoyé avant votre confirmation.",
        "confirm_action": "Confirmer et envoyer la lettre",
        "confirm_expiry": "Le lien est valable jusqu'au {expires}. Sans confirmation, la lettre "
        "et vos coordonnées seront alors effacées.",
        "confirm_ignore": "Si vous n'êtes pas à l'origine de cette demande, ignorez ce message.",
        "copy_heading": "La lettre qui sera envoyée",
        "from": "De", "reply_to": "Répondre à", "to": "À", "cc": "Copie", "subject": "Objet",
        "notice_subject": "Votre lettre n'est pas arrivée : {embassy}",
        "notice_intro": "Nous n'avons pas pu remettre votre lettre ({embassy}). En voici une "
        "copie, et d'autres moyens de joindre l'ambassade.",
        "other_ways": "Autres moyens de joindre l'ambassade",
        "website": "Site web", "post": "Adresse postale",
        "pdf": "Une lettre à imprimer et à poster : {url}",
        "page_title_ok": "Votre lettre est en route",
        "page_ok": "Merci. Votre lettre ({embassy}) est en file d'attente et partira bientôt.",
        "page_title_bad": "Ce lien ne fonctionne pas",
        "page_bad": "Le lien a expiré ou a déjà été utilisé. Rien n'a été envoyé. "
        "Vous pouvez écrire la lettre à nouveau.",
        "page_status": "Suivre votre lettre",
    },
    "es": {
        "confirm_subject": "Confirme su carta, por favor: {embassy}",
        "confirm_intro": "Nos pidió enviar en su nombre la carta de abajo: {embassy}. "
        "No se enviará nada hasta que la confirme.",
        "confirm_action": "Confirmar y enviar la carta",
        "confirm_expiry": "El enlace vale hasta el {expires}. Si no hace nada, la carta y sus "
        "datos se borrarán entonces.",
        "confirm_ignore": "Si no lo pidió usted, ignore este mensaje.",
        "copy_heading": "La carta que se enviará",
        "from": "De", "reply_to": "Responder a", "to": "Para", "cc": "Copia",
        "subject": "Asunto",
        "notice_subject": "Su carta no llegó: {embassy}",
        "notice_intro": "No pudimos entregar su carta ({embassy}). Aquí tiene una copia y "
        "otras formas de contactar con la embajada.",
        "other_ways": "Otras formas de contactar con la embajada",
        "website": "Sitio web", "post": "Dirección postal",
        "pdf": "Una carta para imprimir y enviar por correo: {url}",
        "page_title_ok": "Su carta está en camino",
        "page_ok": "Gracias. Su carta ({embassy}) está en cola y se enviará en breve.",
        "page_title_bad": "Este enlace no funciona",
        "page_bad": "El enlace ha caducado o ya se usó. No se envió nada. "
        "Puede escribir la carta de nuevo.",
        "page_status": "Seguir su carta",
    },
}


def texts(language: str) -> Mapping[str, str]:
    return TEXTS.get(language, TEXTS["en"])
