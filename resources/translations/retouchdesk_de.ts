<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de" sourcelanguage="en">
<context>
    <name>AccountController</name>
    <message>
        <source>Account</source>
        <translation>Konto</translation>
    </message>
    <message>
        <source>Could not load workflows: {error}</source>
        <translation>Workflows konnten nicht geladen werden: {error}</translation>
    </message>
</context>
<context>
    <name>AccountDialog</name>
    <message>
        <source>Sandbox (local, free)</source>
        <translation>Sandbox (lokal, kostenlos)</translation>
    </message>
    <message>
        <source>Custom URL</source>
        <translation>Eigene URL</translation>
    </message>
    <message>
        <source>The code expired before it was confirmed. Start the sign-in again.</source>
        <translation>Der Code ist abgelaufen, bevor er bestätigt wurde. Bitte melden Sie sich erneut an.</translation>
    </message>
    <message>
        <source>The sign-in was declined in the browser.</source>
        <translation>Die Anmeldung wurde im Browser abgelehnt.</translation>
    </message>
    <message>
        <source>Sign-in cancelled.</source>
        <translation>Anmeldung abgebrochen.</translation>
    </message>
    <message>
        <source>Cannot reach the server. Check the network connection and try again.</source>
        <translation>Der Server ist nicht erreichbar. Prüfen Sie die Netzwerkverbindung und versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>The server did not accept these credentials. Check the token and try again.</source>
        <translation>Der Server hat diese Zugangsdaten nicht angenommen. Prüfen Sie das Token und versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>The server is busy or unavailable right now. Try again in a minute.</source>
        <translation>Der Server ist gerade ausgelastet oder nicht verfügbar. Versuchen Sie es in einer Minute erneut.</translation>
    </message>
    <message>
        <source>Sign-in failed: {error}</source>
        <translation>Anmeldung fehlgeschlagen: {error}</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>Konto</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>Server</translation>
    </message>
    <message>
        <source>Switch</source>
        <translation>Wechseln</translation>
    </message>
    <message>
        <source>Sign in with the browser</source>
        <translation>Im Browser anmelden</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>Abmelden</translation>
    </message>
    <message>
        <source>Confirm this code in your browser:</source>
        <translation>Bestätigen Sie diesen Code in Ihrem Browser:</translation>
    </message>
    <message>
        <source>Copy code</source>
        <translation>Code kopieren</translation>
    </message>
    <message>
        <source>Open browser</source>
        <translation>Browser öffnen</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Waiting for you to confirm in the browser…</source>
        <translation>Warten auf Ihre Bestätigung im Browser …</translation>
    </message>
    <message>
        <source>from a device connection in the autoretouch web app</source>
        <translation>aus einer Geräteverbindung in der autoretouch-Web-App</translation>
    </message>
    <message>
        <source>Use token</source>
        <translation>Token verwenden</translation>
    </message>
    <message>
        <source>Or paste a &amp;refresh token:</source>
        <translation>Oder &amp;Refresh-Token einfügen:</translation>
    </message>
    <message>
        <source>No system keyring found: the sign-in is kept for this session only.</source>
        <translation>Kein Schlüsselbund des Systems gefunden: Die Anmeldung gilt nur für diese Sitzung.</translation>
    </message>
    <message>
        <source>Not connected to a server.</source>
        <translation>Mit keinem Server verbunden.</translation>
    </message>
    <message>
        <source>this device</source>
        <translation>dieses Gerät</translation>
    </message>
    <message>
        <source>Signed in as &lt;b&gt;{account}&lt;/b&gt; on the local sandbox.</source>
        <translation>Angemeldet als &lt;b&gt;{account}&lt;/b&gt; in der lokalen Sandbox.</translation>
    </message>
    <message>
        <source>Signed in as &lt;b&gt;{account}&lt;/b&gt; on {server}.</source>
        <translation>Angemeldet als &lt;b&gt;{account}&lt;/b&gt; bei {server}.</translation>
    </message>
    <message>
        <source>Not signed in to {server}.</source>
        <translation>Nicht bei {server} angemeldet.</translation>
    </message>
    <message>
        <source>Enter the server&apos;s address.</source>
        <translation>Geben Sie die Adresse des Servers ein.</translation>
    </message>
</context>
<context>
    <name>ActionStateController</name>
    <message>
        <source>Resume</source>
        <translation>Fortsetzen</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Pause</translation>
    </message>
</context>
<context>
    <name>CompareCanvas</name>
    <message>
        <source>Result</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>No image</source>
        <translation>Kein Bild</translation>
    </message>
    <message>
        <source>Original</source>
        <translation>Original</translation>
    </message>
    <message>
        <source>Difference (amplified)</source>
        <translation>Differenz (verstärkt)</translation>
    </message>
    <message>
        <source>Preview: full resolution loading…</source>
        <translation>Vorschau: volle Auflösung wird geladen …</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Wird geladen …</translation>
    </message>
    <message>
        <source>Before and after</source>
        <translation>Vorher und nachher</translation>
    </message>
    <message>
        <source>Split at {percent} %: the original left of the divider, the result right of it. 1, 2 and 3 put the divider at a quarter, half and three quarters of the image</source>
        <translation>Geteilt bei {percent} %: links der Trennlinie das Original, rechts das Ergebnis. 1, 2 und 3 setzen die Trennlinie auf ein Viertel, die Hälfte und drei Viertel des Bildes</translation>
    </message>
    <message>
        <source>Side by side: the original left, the result right</source>
        <translation>Nebeneinander: links das Original, rechts das Ergebnis</translation>
    </message>
    <message>
        <source>The result; hold Space to see the original in its place</source>
        <translation>Das Ergebnis; Leertaste halten, um an seiner Stelle das Original zu sehen</translation>
    </message>
    <message>
        <source>The result only</source>
        <translation>Nur das Ergebnis</translation>
    </message>
    <message>
        <source>Where the result differs from the original, amplified</source>
        <translation>Wo sich das Ergebnis vom Original unterscheidet, verstärkt</translation>
    </message>
</context>
<context>
    <name>CompareViewer</name>
    <message>
        <source>Zoom: pick or type a level, e.g. 150%</source>
        <translation>Zoom: Stufe wählen oder eingeben, z. B. 150 %</translation>
    </message>
    <message>
        <source>This result has no transparency</source>
        <translation>Dieses Ergebnis hat keine Transparenz</translation>
    </message>
    <message>
        <source>No job</source>
        <translation>Kein Auftrag</translation>
    </message>
    <message>
        <source>The original file is missing</source>
        <translation>Die Originaldatei fehlt</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Wird geladen …</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>Fit ({zoom})</source>
        <translation>Einpassen ({zoom})</translation>
    </message>
    <message>
        <source>Background behind transparency</source>
        <translation>Hintergrund hinter Transparenz</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>Einpassen</translation>
    </message>
</context>
<context>
    <name>ConfirmRunDialog</name>
    <message>
        <source>{low} to {high}</source>
        <translation>{low} bis {high}</translation>
    </message>
    <message>
        <source>Start processing?</source>
        <translation>Bearbeitung starten?</translation>
    </message>
    <message>
        <source>the selected workflow</source>
        <translation>dem gewählten Workflow</translation>
    </message>
    <message>
        <source>Price per image:</source>
        <translation>Preis pro Bild:</translation>
    </message>
    <message>
        <source>Total cost:</source>
        <translation>Gesamtkosten:</translation>
    </message>
    <message>
        <source>{money} — not enough credits; images beyond the balance will wait for a top-up</source>
        <translation>{money} – Guthaben reicht nicht; Bilder über dem Guthaben warten auf eine Aufladung</translation>
    </message>
    <message>
        <source>Balance now:</source>
        <translation>Guthaben jetzt:</translation>
    </message>
    <message>
        <source>Balance after:</source>
        <translation>Guthaben danach:</translation>
    </message>
    <message>
        <source>Duplicates:</source>
        <translation>Duplikate:</translation>
    </message>
    <message>
        <source>Resumed:</source>
        <translation>Fortgesetzt:</translation>
    </message>
    <message>
        <source>{n} already sent to the server</source>
        <translation>{n} bereits an den Server gesendet</translation>
    </message>
    <message>
        <source>Not processable:</source>
        <translation>Nicht verarbeitbar:</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Starten</translation>
    </message>
</context>
<context>
    <name>DeliverDialog</name>
    <message>
        <source>  {name}: {reason}</source>
        <translation>  {name}: {reason}</translation>
    </message>
    <message>
        <source>Manifest: {path}</source>
        <translation>Manifest: {path}</translation>
    </message>
    <message>
        <source>Deliver results</source>
        <translation>Ergebnisse ausliefern</translation>
    </message>
    <message>
        <source>Delivery folder</source>
        <translation>Lieferordner</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>Durch&amp;suchen …</translation>
    </message>
    <message>
        <source>Choose the delivery folder</source>
        <translation>Den Lieferordner wählen</translation>
    </message>
    <message>
        <source>&amp;Accepted results only</source>
        <translation>Nur &amp;angenommene Ergebnisse</translation>
    </message>
    <message>
        <source>Deliver the accepted results only</source>
        <translation>Nur die angenommenen Ergebnisse ausliefern</translation>
    </message>
    <message>
        <source>Every result &amp;not rejected</source>
        <translation>Jedes &amp;nicht abgelehnte Ergebnis</translation>
    </message>
    <message>
        <source>Deliver every result not rejected</source>
        <translation>Jedes nicht abgelehnte Ergebnis ausliefern</translation>
    </message>
    <message>
        <source>Name template for delivered files</source>
        <translation>Namensvorlage für ausgelieferte Dateien</translation>
    </message>
    <message>
        <source>as the batch named them</source>
        <translation>wie der Stapel sie benannt hat</translation>
    </message>
    <message>
        <source>For example {stem}_web{ext}; the fields are those of the output name in Settings</source>
        <translation>Zum Beispiel {stem}_web{ext}; die Felder sind die des Ausgabenamens in den Einstellungen</translation>
    </message>
    <message>
        <source>&amp;Folder:</source>
        <translation>&amp;Ordner:</translation>
    </message>
    <message>
        <source>Deliver:</source>
        <translation>Ausliefern:</translation>
    </message>
    <message>
        <source>Name &amp;template:</source>
        <translation>Namens&amp;vorlage:</translation>
    </message>
    <message>
        <source>Deliver</source>
        <translation>Ausliefern</translation>
    </message>
    <message>
        <source>Deliver the results</source>
        <translation>Die Ergebnisse ausliefern</translation>
    </message>
    <message>
        <source>Show folder</source>
        <translation>Ordner zeigen</translation>
    </message>
    <message>
        <source>Show the delivery folder</source>
        <translation>Den Lieferordner zeigen</translation>
    </message>
    <message>
        <source>Close the delivery</source>
        <translation>Die Auslieferung schließen</translation>
    </message>
    <message>
        <source>Choose a folder to deliver to</source>
        <translation>Wählen Sie einen Lieferordner</translation>
    </message>
    <message>
        <source>Delivering…</source>
        <translation>Wird ausgeliefert …</translation>
    </message>
    <message>
        <source>Deliver again</source>
        <translation>Erneut ausliefern</translation>
    </message>
</context>
<context>
    <name>DetailsPane</name>
    <message>
        <source>skipped (already stored)</source>
        <translation>übersprungen (schon gespeichert)</translation>
    </message>
    <message>
        <source>done</source>
        <translation>erledigt</translation>
    </message>
    <message>
        <source>Original</source>
        <translation>Original</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>Execution ID</source>
        <translation>Ausführungs-ID</translation>
    </message>
    <message>
        <source>Server status</source>
        <translation>Serverstatus</translation>
    </message>
    <message>
        <source>Credits</source>
        <translation>Kosten</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Dauer</translation>
    </message>
    <message>
        <source>Attempts</source>
        <translation>Versuche</translation>
    </message>
    <message>
        <source>Upload</source>
        <translation>Upload</translation>
    </message>
    <message>
        <source>Added</source>
        <translation>Hinzugefügt</translation>
    </message>
    <message>
        <source>Finished</source>
        <translation>Fertig</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>Prüfung</translation>
    </message>
    <message>
        <source>Why ({stage}):</source>
        <translation>Grund ({stage}):</translation>
    </message>
    <message>
        <source>Why:</source>
        <translation>Grund:</translation>
    </message>
    <message>
        <source>Details of the selected image</source>
        <translation>Details des ausgewählten Bildes</translation>
    </message>
    <message>
        <source>Select an image to see its details.</source>
        <translation>Wählen Sie ein Bild aus, um seine Details zu sehen.</translation>
    </message>
</context>
<context>
    <name>DifferencePane</name>
    <message>
        <source>No result to compare yet</source>
        <translation>Noch kein Ergebnis zum Vergleichen</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Wird geladen …</translation>
    </message>
    <message>
        <source>Working out the difference…</source>
        <translation>Differenz wird berechnet …</translation>
    </message>
</context>
<context>
    <name>Drop</name>
    <message>
        <source>{item} is not a local file</source>
        <translation>{item} ist keine lokale Datei</translation>
    </message>
    <message>
        <source>{item} is not a path</source>
        <translation>{item} ist kein Pfad</translation>
    </message>
    <message>
        <source>{n} not found</source>
        <translation>{n} nicht gefunden</translation>
    </message>
    <message>
        <source>No images found</source>
        <translation>Keine Bilder gefunden</translation>
    </message>
</context>
<context>
    <name>DropOverlay</name>
    <message>
        <source>Drop to add to the queue</source>
        <translation>Loslassen, um zur Warteschlange hinzuzufügen</translation>
    </message>
</context>
<context>
    <name>Duration</name>
    <message>
        <source>{seconds} s</source>
        <translation>{seconds} s</translation>
    </message>
    <message>
        <source>{minutes} min {seconds} s</source>
        <translation>{minutes} min {seconds} s</translation>
    </message>
    <message>
        <source>{hours} h {minutes} min</source>
        <translation>{hours} h {minutes} min</translation>
    </message>
</context>
<context>
    <name>EmptyState</name>
    <message>
        <source>Drop product photos here</source>
        <translation>Produktfotos hier ablegen</translation>
    </message>
    <message>
        <source>Files or whole folders: JPEG, PNG, TIFF and WebP.
Results go to a separate folder; your originals are never touched.</source>
        <translation>Dateien oder ganze Ordner: JPEG, PNG, TIFF und WebP.
Ergebnisse landen in einem eigenen Ordner; Ihre Originale bleiben unangetastet.</translation>
    </message>
</context>
<context>
    <name>ErrorDialog</name>
    <message>
        <source>Retouch Desk: unexpected error</source>
        <translation>Retouch Desk: unerwarteter Fehler</translation>
    </message>
    <message>
        <source>Something went wrong: {error}</source>
        <translation>Etwas ist schiefgelaufen: {error}</translation>
    </message>
    <message>
        <source>Your queue is saved. You can keep working or restart the app.</source>
        <translation>Ihre Warteschlange ist gespeichert. Sie können weiterarbeiten oder die App neu starten.</translation>
    </message>
</context>
<context>
    <name>FailedStage</name>
    <message>
        <source>while checking the file</source>
        <translation>beim Prüfen der Datei</translation>
    </message>
    <message>
        <source>while uploading</source>
        <translation>beim Hochladen</translation>
    </message>
    <message>
        <source>while starting the execution</source>
        <translation>beim Starten der Ausführung</translation>
    </message>
    <message>
        <source>while processing</source>
        <translation>bei der Bearbeitung</translation>
    </message>
    <message>
        <source>while in review</source>
        <translation>während der Prüfung</translation>
    </message>
    <message>
        <source>while downloading</source>
        <translation>beim Herunterladen</translation>
    </message>
</context>
<context>
    <name>HistoryWindow</name>
    <message>
        <source>Any status</source>
        <translation>Jeder Status</translation>
    </message>
    <message>
        <source>Completed</source>
        <translation>Abgeschlossen</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Payment required</source>
        <translation>Zahlung erforderlich</translation>
    </message>
    <message>
        <source>In review</source>
        <translation>In Prüfung</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Aktiv</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Erstellt</translation>
    </message>
    <message>
        <source>History</source>
        <translation>Verlauf</translation>
    </message>
    <message>
        <source>Batch name</source>
        <translation>Stapelname</translation>
    </message>
    <message>
        <source>Filter by batch name</source>
        <translation>Nach Stapelname filtern</translation>
    </message>
    <message>
        <source>File name</source>
        <translation>Dateiname</translation>
    </message>
    <message>
        <source>Filter by file name</source>
        <translation>Nach Dateiname filtern</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>Suchen</translation>
    </message>
    <message>
        <source>File</source>
        <translation>Datei</translation>
    </message>
    <message>
        <source>Workflow</source>
        <translation>Workflow</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Cost</source>
        <translation>Kosten</translation>
    </message>
    <message>
        <source>Batch</source>
        <translation>Stapel</translation>
    </message>
    <message>
        <source>Saved here</source>
        <translation>Hier gespeichert</translation>
    </message>
    <message>
        <source>‹ Newer</source>
        <translation>‹ Neuere</translation>
    </message>
    <message>
        <source>Older ›</source>
        <translation>Ältere ›</translation>
    </message>
    <message>
        <source>Download result…</source>
        <translation>Ergebnis herunterladen …</translation>
    </message>
    <message>
        <source>Open saved result</source>
        <translation>Gespeichertes Ergebnis öffnen</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>Bilder</translation>
    </message>
    <message>
        <source>Price</source>
        <translation>Preis</translation>
    </message>
    <message>
        <source>On this computer</source>
        <translation>Auf diesem Computer</translation>
    </message>
    <message>
        <source>Executions</source>
        <translation>Ausführungen</translation>
    </message>
    <message>
        <source>Batches</source>
        <translation>Stapel</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Wird geladen …</translation>
    </message>
    <message>
        <source>Could not load the history: {error}</source>
        <translation>Der Verlauf konnte nicht geladen werden: {error}</translation>
    </message>
    <message>
        <source>{first}–{last} of {total}</source>
        <translation>{first}–{last} von {total}</translation>
    </message>
    <message>
        <source>Could not load the batches: {error}</source>
        <translation>Die Stapel konnten nicht geladen werden: {error}</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <source>yes (not on the server yet)</source>
        <translation>ja (noch nicht auf dem Server)</translation>
    </message>
    <message>
        <source>Save result as</source>
        <translation>Ergebnis speichern unter</translation>
    </message>
    <message>
        <source>Downloading {name}…</source>
        <translation>{name} wird heruntergeladen …</translation>
    </message>
    <message>
        <source>Download failed: {error}</source>
        <translation>Download fehlgeschlagen: {error}</translation>
    </message>
    <message>
        <source>Saved {path}</source>
        <translation>Gespeichert: {path}</translation>
    </message>
</context>
<context>
    <name>HotFolderController</name>
    <message>
        <source>Watching {name}</source>
        <translation>Überwache {name}</translation>
    </message>
    <message>
        <source>New images in {folder} are processed with {workflow}</source>
        <translation>Neue Bilder in {folder} werden mit {workflow} bearbeitet</translation>
    </message>
</context>
<context>
    <name>JobMenu</name>
    <message>
        <source>Retry</source>
        <translation>Erneut versuchen</translation>
    </message>
    <message>
        <source>Retry all failed</source>
        <translation>Alle fehlgeschlagenen erneut versuchen</translation>
    </message>
    <message>
        <source>Compare before/after</source>
        <translation>Vorher/Nachher vergleichen</translation>
    </message>
    <message>
        <source>Open result</source>
        <translation>Ergebnis öffnen</translation>
    </message>
    <message>
        <source>Show in folder</source>
        <translation>Im Ordner zeigen</translation>
    </message>
    <message>
        <source>Open original</source>
        <translation>Original öffnen</translation>
    </message>
    <message>
        <source>Copy execution ID</source>
        <translation>Ausführungs-ID kopieren</translation>
    </message>
    <message>
        <source>Remove from list</source>
        <translation>Aus der Liste entfernen</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>{label} ({n})</source>
        <translation>{label} ({n})</translation>
    </message>
    <message>
        <source>The before/after viewer is not available</source>
        <translation>Der Vorher/Nachher-Vergleich ist nicht verfügbar</translation>
    </message>
    <message>
        <source>Copy execution IDs</source>
        <translation>Ausführungs-IDs kopieren</translation>
    </message>
    <message>
        <source>Cancel running jobs before removing them</source>
        <translation>Laufende Aufträge erst abbrechen, dann entfernen</translation>
    </message>
</context>
<context>
    <name>JobMenuController</name>
    <message>
        <source>Copied</source>
        <translation>Kopiert</translation>
    </message>
</context>
<context>
    <name>JobState</name>
    <message>
        <source>Rejected</source>
        <translation>Abgelehnt</translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>Wartet</translation>
    </message>
    <message>
        <source>Checking</source>
        <translation>Wird geprüft</translation>
    </message>
    <message>
        <source>Uploading</source>
        <translation>Wird hochgeladen</translation>
    </message>
    <message>
        <source>Starting</source>
        <translation>Wird gestartet</translation>
    </message>
    <message>
        <source>Processing</source>
        <translation>In Bearbeitung</translation>
    </message>
    <message>
        <source>In review</source>
        <translation>In Prüfung</translation>
    </message>
    <message>
        <source>Downloading</source>
        <translation>Wird heruntergeladen</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Fertig</translation>
    </message>
    <message>
        <source>Skipped</source>
        <translation>Übersprungen</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Needs credits</source>
        <translation>Guthaben fehlt</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
</context>
<context>
    <name>JobTableModel</name>
    <message>
        <source>Preview</source>
        <translation>Vorschau</translation>
    </message>
    <message>
        <source>File</source>
        <translation>Datei</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>Fortschritt</translation>
    </message>
    <message>
        <source>Cost</source>
        <translation>Kosten</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Dauer</translation>
    </message>
    <message>
        <source>Output</source>
        <translation>Ergebnisdatei</translation>
    </message>
    <message>
        <source>Queued on server</source>
        <translation>Wartet auf dem Server</translation>
    </message>
    <message>
        <source>Already uploaded</source>
        <translation>Bereits hochgeladen</translation>
    </message>
    <message>
        <source>{state} · {verdict}</source>
        <translation>{state} · {verdict}</translation>
    </message>
    <message>
        <source>{status}: {reason}</source>
        <translation>{status}: {reason}</translation>
    </message>
    <message>
        <source>{status} (server: {server_status})</source>
        <translation>{status} (Server: {server_status})</translation>
    </message>
</context>
<context>
    <name>JobTableView</name>
    <message>
        <source>Jobs</source>
        <translation>Aufträge</translation>
    </message>
</context>
<context>
    <name>JobsPage</name>
    <message>
        <source>Show</source>
        <translation>Anzeigen</translation>
    </message>
    <message>
        <source>&amp;Show</source>
        <translation>&amp;Anzeigen</translation>
    </message>
    <message>
        <source>Filter by file name ({keys})</source>
        <translation>Nach Dateiname filtern ({keys})</translation>
    </message>
    <message>
        <source>Filter by file name</source>
        <translation>Nach Dateiname filtern</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Connecting…</source>
        <translation>Verbinden …</translation>
    </message>
    <message>
        <source>Only files and folders can be dropped here</source>
        <translation>Hier können nur Dateien und Ordner abgelegt werden</translation>
    </message>
</context>
<context>
    <name>NoticesController</name>
    <message>
        <source>{n} done</source>
        <translation>{n} fertig</translation>
    </message>
    <message>
        <source>{n} failed</source>
        <translation>{n} fehlgeschlagen</translation>
    </message>
    <message>
        <source>{n} skipped</source>
        <translation>{n} übersprungen</translation>
    </message>
    <message>
        <source>{n} cancelled</source>
        <translation>{n} abgebrochen</translation>
    </message>
    <message>
        <source>Batch {name} finished: {counts}</source>
        <translation>Stapel {name} fertig: {counts}</translation>
    </message>
    <message>
        <source> · {money} charged</source>
        <translation> · {money} berechnet</translation>
    </message>
    <message>
        <source>Batch finished</source>
        <translation>Stapel fertig</translation>
    </message>
</context>
<context>
    <name>OpenBatchDialog</name>
    <message>
        <source>Open batch</source>
        <translation>Stapel öffnen</translation>
    </message>
    <message>
        <source>Batches of this computer</source>
        <translation>Stapel dieses Computers</translation>
    </message>
    <message>
        <source>{name} · {when} · {workflow}</source>
        <translation>{name} · {when} · {workflow}</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Öffnen</translation>
    </message>
    <message>
        <source>Open the chosen batch</source>
        <translation>Den gewählten Stapel öffnen</translation>
    </message>
    <message>
        <source>Cancel opening a batch</source>
        <translation>Das Öffnen eines Stapels abbrechen</translation>
    </message>
    <message>
        <source>Its results come to the review grid with their marks.</source>
        <translation>Seine Ergebnisse kommen mit ihren Markierungen in das Prüfraster.</translation>
    </message>
</context>
<context>
    <name>Plural</name>
    <message numerus="yes">
        <source>Added %Ln image(s)</source>
        <translation>
            <numerusform>%Ln Bild hinzugefügt</numerusform>
            <numerusform>%Ln Bilder hinzugefügt</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln image(s) added last time queued again: press Start to process</source>
        <translation>
            <numerusform>%Ln beim letzten Mal hinzugefügtes Bild wartet wieder: Starten drücken, um es zu bearbeiten</numerusform>
            <numerusform>%Ln beim letzten Mal hinzugefügte Bilder warten wieder: Starten drücken, um sie zu bearbeiten</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln image(s) selected</source>
        <translation>
            <numerusform>%Ln Bild ausgewählt</numerusform>
            <numerusform>%Ln Bilder ausgewählt</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>&lt;b&gt;Process %Ln image(s)&lt;/b&gt; with {workflow}?</source>
        <translation>
            <numerusform>&lt;b&gt;%Ln Bild&lt;/b&gt; mit {workflow} bearbeiten?</numerusform>
            <numerusform>&lt;b&gt;%Ln Bilder&lt;/b&gt; mit {workflow} bearbeiten?</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln identical file(s) processed once</source>
        <translation>
            <numerusform>%Ln identische Datei nur einmal bearbeitet</numerusform>
            <numerusform>%Ln identische Dateien nur einmal bearbeitet</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln file(s), not charged</source>
        <translation>
            <numerusform>%Ln Datei, nicht berechnet</numerusform>
            <numerusform>%Ln Dateien, nicht berechnet</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln file(s) skipped (only JPEG, PNG, TIFF and WebP are processed)</source>
        <translation>
            <numerusform>%Ln Datei übersprungen (nur JPEG, PNG, TIFF und WebP werden bearbeitet)</numerusform>
            <numerusform>%Ln Dateien übersprungen (nur JPEG, PNG, TIFF und WebP werden bearbeitet)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Resumed %Ln unfinished batch(es)</source>
        <translation>
            <numerusform>%Ln unfertiger Stapel fortgesetzt</numerusform>
            <numerusform>%Ln unfertige Stapel fortgesetzt</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Enough for about %Ln image(s)</source>
        <translation>
            <numerusform>Reicht für etwa %Ln Bild</numerusform>
            <numerusform>Reicht für etwa %Ln Bilder</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Re-running %Ln image(s)</source>
        <translation>
            <numerusform>%Ln Bild wird neu bearbeitet</numerusform>
            <numerusform>%Ln Bilder werden neu bearbeitet</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Opened a batch of %Ln image(s)</source>
        <translation>
            <numerusform>Einen Stapel mit %Ln Bild geöffnet</numerusform>
            <numerusform>Einen Stapel mit %Ln Bildern geöffnet</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln result(s) copied</source>
        <translation>
            <numerusform>%Ln Ergebnis kopiert</numerusform>
            <numerusform>%Ln Ergebnisse kopiert</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln already there with the same bytes, not copied again</source>
        <translation>
            <numerusform>%Ln schon mit denselben Bytes vorhanden, nicht erneut kopiert</numerusform>
            <numerusform>%Ln schon mit denselben Bytes vorhanden, nicht erneut kopiert</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln left out (not chosen)</source>
        <translation>
            <numerusform>%Ln ausgelassen (nicht gewählt)</numerusform>
            <numerusform>%Ln ausgelassen (nicht gewählt)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln could not be delivered:</source>
        <translation>
            <numerusform>%Ln konnte nicht ausgeliefert werden:</numerusform>
            <numerusform>%Ln konnten nicht ausgeliefert werden:</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>  and %Ln more</source>
        <translation>
            <numerusform>  und %Ln weiteres</numerusform>
            <numerusform>  und %Ln weitere</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln image(s) will be re-run</source>
        <translation>
            <numerusform>%Ln Bild wird neu bearbeitet</numerusform>
            <numerusform>%Ln Bilder werden neu bearbeitet</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Progress</name>
    <message>
        <source>less than a minute left</source>
        <translation>weniger als eine Minute übrig</translation>
    </message>
    <message>
        <source>about {minutes} min left</source>
        <translation>noch etwa {minutes} min</translation>
    </message>
    <message>
        <source>about {hours} h {minutes} min left</source>
        <translation>noch etwa {hours} h {minutes} min</translation>
    </message>
    <message>
        <source>{done} / {total} done</source>
        <translation>{done} / {total} fertig</translation>
    </message>
    <message>
        <source>{n} failed</source>
        <translation>{n} fehlgeschlagen</translation>
    </message>
    <message>
        <source>{n} cancelled</source>
        <translation>{n} abgebrochen</translation>
    </message>
</context>
<context>
    <name>QueueController</name>
    <message>
        <source>The clipboard holds no file or folder paths</source>
        <translation>Die Zwischenablage enthält keine Datei- oder Ordnerpfade</translation>
    </message>
    <message>
        <source>Add images</source>
        <translation>Bilder hinzufügen</translation>
    </message>
    <message>
        <source>Add a folder</source>
        <translation>Ordner hinzufügen</translation>
    </message>
    <message>
        <source>Not connected yet: try again in a moment</source>
        <translation>Noch nicht verbunden: bitte gleich noch einmal versuchen</translation>
    </message>
    <message>
        <source>Looking for images…</source>
        <translation>Suche nach Bildern …</translation>
    </message>
    <message>
        <source>Choose a workflow first</source>
        <translation>Wählen Sie zuerst einen Workflow</translation>
    </message>
</context>
<context>
    <name>RerunDialog</name>
    <message>
        <source>Re-run rejected results</source>
        <translation>Abgelehnte Ergebnisse neu bearbeiten</translation>
    </message>
    <message>
        <source>Workflow for the re-run</source>
        <translation>Workflow für die Neubearbeitung</translation>
    </message>
    <message>
        <source>Workflow version to pin</source>
        <translation>Festzulegende Workflow-Version</translation>
    </message>
    <message>
        <source>its current version</source>
        <translation>seine aktuelle Version</translation>
    </message>
    <message>
        <source>Working out the cost…</source>
        <translation>Die Kosten werden berechnet …</translation>
    </message>
    <message>
        <source>&amp;Workflow:</source>
        <translation>&amp;Workflow:</translation>
    </message>
    <message>
        <source>&amp;Version:</source>
        <translation>&amp;Version:</translation>
    </message>
    <message>
        <source>Images:</source>
        <translation>Bilder:</translation>
    </message>
    <message>
        <source>Price per image:</source>
        <translation>Preis pro Bild:</translation>
    </message>
    <message>
        <source>Total cost:</source>
        <translation>Gesamtkosten:</translation>
    </message>
    <message>
        <source>Balance now:</source>
        <translation>Guthaben jetzt:</translation>
    </message>
    <message>
        <source>Balance after:</source>
        <translation>Guthaben danach:</translation>
    </message>
    <message>
        <source>Nothing is uploaded again: the service still has the originals. Each new result becomes the current version, unreviewed; the earlier ones stay in the viewer.</source>
        <translation>Nichts wird erneut hochgeladen: Der Dienst hat die Originale noch. Jedes neue Ergebnis wird zur aktuellen Version, nicht geprüft; die früheren bleiben im Vergleich.</translation>
    </message>
    <message>
        <source>Re-run</source>
        <translation>Neu bearbeiten</translation>
    </message>
    <message>
        <source>Re-run the rejected results</source>
        <translation>Die abgelehnten Ergebnisse neu bearbeiten</translation>
    </message>
    <message>
        <source>Cancel the re-run</source>
        <translation>Die Neubearbeitung abbrechen</translation>
    </message>
    <message>
        <source>No workflow to re-run with</source>
        <translation>Kein Workflow für die Neubearbeitung</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>unbekannt</translation>
    </message>
    <message>
        <source>The rejected images are still being processed</source>
        <translation>Die abgelehnten Bilder werden noch bearbeitet</translation>
    </message>
    <message>
        <source>The cost could not be worked out: {error}</source>
        <translation>Die Kosten konnten nicht berechnet werden: {error}</translation>
    </message>
</context>
<context>
    <name>Review</name>
    <message>
        <source>Accepted</source>
        <translation>Angenommen</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>Abgelehnt</translation>
    </message>
</context>
<context>
    <name>ReviewController</name>
    <message>
        <source>The before/after viewer is not available</source>
        <translation>Der Vorher/Nachher-Vergleich ist nicht verfügbar</translation>
    </message>
    <message>
        <source>No finished images to compare yet</source>
        <translation>Noch keine fertigen Bilder zum Vergleichen</translation>
    </message>
    <message>
        <source>Thanks: feedback sent</source>
        <translation>Danke: Feedback gesendet</translation>
    </message>
    <message>
        <source>Could not send feedback: {error}</source>
        <translation>Feedback konnte nicht gesendet werden: {error}</translation>
    </message>
</context>
<context>
    <name>ReviewGrid</name>
    <message>
        <source>Accepted</source>
        <translation>Angenommen</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>Abgelehnt</translation>
    </message>
    <message>
        <source>Not reviewed</source>
        <translation>Nicht geprüft</translation>
    </message>
    <message>
        <source>{state} {percent} %</source>
        <translation>{state} {percent} %</translation>
    </message>
    <message>
        <source>{caption} · version {n}</source>
        <translation>{caption} · Version {n}</translation>
    </message>
    <message>
        <source>Original</source>
        <translation>Original</translation>
    </message>
</context>
<context>
    <name>ReviewGridView</name>
    <message>
        <source>Results</source>
        <translation>Ergebnisse</translation>
    </message>
</context>
<context>
    <name>ReviewPage</name>
    <message>
        <source>Show:</source>
        <translation>Anzeigen:</translation>
    </message>
    <message>
        <source>Thumbnail &amp;size</source>
        <translation>Vorschau&amp;größe</translation>
    </message>
    <message>
        <source>Thumbnail size</source>
        <translation>Vorschaugröße</translation>
    </message>
    <message>
        <source>Accept</source>
        <translation>Annehmen</translation>
    </message>
    <message>
        <source>Reject</source>
        <translation>Ablehnen</translation>
    </message>
    <message>
        <source>Clear mark</source>
        <translation>Markierung entfernen</translation>
    </message>
    <message>
        <source>Accept and next</source>
        <translation>Annehmen und weiter</translation>
    </message>
    <message>
        <source>Accept the current image and go to the next one ({key})</source>
        <translation>Das aktuelle Bild annehmen und zum nächsten gehen ({key})</translation>
    </message>
    <message>
        <source>Show the original while held</source>
        <translation>Original zeigen, solange gedrückt</translation>
    </message>
    <message>
        <source>&amp;Next image after marking</source>
        <translation>&amp;Nach dem Markieren zum nächsten Bild</translation>
    </message>
    <message>
        <source>Tell the service about rejections</source>
        <translation>Ablehnungen an den Dienst melden</translation>
    </message>
    <message>
        <source>A rejected result also sends the service a thumbs down on its execution</source>
        <translation>Ein abgelehntes Ergebnis gibt dem Dienst auch einen Daumen nach unten für die Ausführung</translation>
    </message>
    <message>
        <source>Options</source>
        <translation>Optionen</translation>
    </message>
    <message>
        <source>Review options</source>
        <translation>Prüfoptionen</translation>
    </message>
    <message>
        <source>Moving on after marking, and telling the service about rejections</source>
        <translation>Weiter nach dem Markieren und Ablehnungen an den Dienst melden</translation>
    </message>
    <message>
        <source>Open in viewer</source>
        <translation>Im Vergleich öffnen</translation>
    </message>
    <message>
        <source>Open batch…</source>
        <translation>Stapel öffnen …</translation>
    </message>
    <message>
        <source>Re-run rejected…</source>
        <translation>Abgelehnte neu bearbeiten …</translation>
    </message>
    <message>
        <source>Deliver…</source>
        <translation>Ausliefern …</translation>
    </message>
    <message>
        <source>Show a finished batch of this computer here</source>
        <translation>Einen fertigen Stapel dieses Computers hier zeigen</translation>
    </message>
    <message>
        <source>Send the rejected results again, with another workflow or version</source>
        <translation>Die abgelehnten Ergebnisse erneut senden, mit einem anderen Workflow oder einer anderen Version</translation>
    </message>
    <message>
        <source>Copy the accepted results to a delivery folder, with a manifest</source>
        <translation>Die angenommenen Ergebnisse mit Manifest in einen Lieferordner kopieren</translation>
    </message>
    <message>
        <source>{verb} the selected images ({key})</source>
        <translation>Ausgewählte Bilder: {verb} ({key})</translation>
    </message>
    <message>
        <source>All</source>
        <translation>Alle</translation>
    </message>
    <message>
        <source>Unreviewed</source>
        <translation>Ungeprüft</translation>
    </message>
    <message>
        <source>Accepted</source>
        <translation>Angenommen</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>Abgelehnt</translation>
    </message>
    <message>
        <source>{name} ({n})</source>
        <translation>{name} ({n})</translation>
    </message>
    <message>
        <source>No results to review yet.
Finished images appear here as they arrive; Open batch… shows an earlier batch.</source>
        <translation>Noch keine Ergebnisse zu prüfen.
Fertige Bilder erscheinen hier, sobald sie eintreffen; „Stapel öffnen …“ zeigt einen früheren Stapel.</translation>
    </message>
    <message>
        <source>Every result has a mark.</source>
        <translation>Jedes Ergebnis ist markiert.</translation>
    </message>
    <message>
        <source>No accepted results. Accept with P or A.</source>
        <translation>Keine angenommenen Ergebnisse. Annehmen mit P oder A.</translation>
    </message>
    <message>
        <source>No rejected results. Reject with X.</source>
        <translation>Keine abgelehnten Ergebnisse. Ablehnen mit X.</translation>
    </message>
</context>
<context>
    <name>ReviewPageController</name>
    <message>
        <source>Jobs and review</source>
        <translation>Aufträge und Prüfung</translation>
    </message>
    <message>
        <source>Jobs</source>
        <translation>Aufträge</translation>
    </message>
    <message>
        <source>Review</source>
        <translation>Prüfung</translation>
    </message>
    <message>
        <source>Show jobs</source>
        <translation>Aufträge zeigen</translation>
    </message>
    <message>
        <source>Show review</source>
        <translation>Prüfung zeigen</translation>
    </message>
    <message>
        <source>No rejected results to re-run</source>
        <translation>Keine abgelehnten Ergebnisse zum Neubearbeiten</translation>
    </message>
</context>
<context>
    <name>RunController</name>
    <message>
        <source>Resumed</source>
        <translation>Fortgesetzt</translation>
    </message>
    <message>
        <source>Paused: jobs in flight finish, nothing new starts</source>
        <translation>Pausiert: Laufende Aufträge werden fertig, nichts Neues startet</translation>
    </message>
</context>
<context>
    <name>SettingsController</name>
    <message>
        <source>Settings saved</source>
        <translation>Einstellungen gespeichert</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Copy of the folder structure in the output folder</source>
        <translation>Kopie der Ordnerstruktur im Ausgabeordner</translation>
    </message>
    <message>
        <source>Everything in the output folder</source>
        <translation>Alles direkt in den Ausgabeordner</translation>
    </message>
    <message>
        <source>A “retouched” folder next to each original</source>
        <translation>Ein Ordner „retouched“ neben jedem Original</translation>
    </message>
    <message>
        <source>Keep both (add a number)</source>
        <translation>Beide behalten (Nummer anhängen)</translation>
    </message>
    <message>
        <source>Skip the image</source>
        <translation>Bild überspringen</translation>
    </message>
    <message>
        <source>Replace the existing file</source>
        <translation>Vorhandene Datei ersetzen</translation>
    </message>
    <message>
        <source>As the system ({language})</source>
        <translation>Wie das System ({language})</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>Results</source>
        <translation>Ergebnisse</translation>
    </message>
    <message>
        <source>Default: a “&lt;folder&gt; retouched” folder beside the originals</source>
        <translation>Standard: ein Ordner „&lt;Ordner&gt; retouched“ neben den Originalen</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>Auswählen …</translation>
    </message>
    <message>
        <source>Tokens: {stem} {ext} {workflow} {batch} {date} {n}; a / makes subfolders</source>
        <translation>Platzhalter: {stem} {ext} {workflow} {batch} {date} {n}; ein / legt Unterordner an</translation>
    </message>
    <message>
        <source>Save &amp;to:</source>
        <translation>&amp;Speichern in:</translation>
    </message>
    <message>
        <source>&amp;Output folder:</source>
        <translation>Ausgabe&amp;ordner:</translation>
    </message>
    <message>
        <source>&amp;Name template:</source>
        <translation>&amp;Namensvorlage:</translation>
    </message>
    <message>
        <source>If the file &amp;exists:</source>
        <translation>Wenn die Datei &amp;existiert:</translation>
    </message>
    <message>
        <source>Speed</source>
        <translation>Geschwindigkeit</translation>
    </message>
    <message>
        <source>Files read and fingerprinted at once before uploading</source>
        <translation>Dateien, die vor dem Hochladen gleichzeitig gelesen und geprüft werden</translation>
    </message>
    <message>
        <source>Parallel &amp;uploads:</source>
        <translation>Gleichzeitige &amp;Uploads:</translation>
    </message>
    <message>
        <source>Parallel &amp;downloads:</source>
        <translation>Gleichzeitige &amp;Downloads:</translation>
    </message>
    <message>
        <source>Files h&amp;ashed at once:</source>
        <translation>Gleichzeitig ge&amp;prüfte Dateien:</translation>
    </message>
    <message>
        <source>Applies at once, mid-batch too. Lowering a limit never cuts off a running upload or download: new ones start as the running ones finish.</source>
        <translation>Gilt sofort, auch mitten im Stapel. Ein niedrigeres Limit bricht keinen laufenden Up- oder Download ab: Neue starten, sobald laufende fertig sind.</translation>
    </message>
    <message>
        <source>Automation</source>
        <translation>Automatisierung</translation>
    </message>
    <message>
        <source>Process new images that appear in a &amp;hot folder</source>
        <translation>Neue Bilder in einem &amp;Hotfolder automatisch bearbeiten</translation>
    </message>
    <message>
        <source>Show a desktop &amp;notification when a batch finishes</source>
        <translation>Desktop-&amp;Benachrichtigung, wenn ein Stapel fertig ist</translation>
    </message>
    <message>
        <source>Hot &amp;folder:</source>
        <translation>Hot&amp;folder:</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Sprache</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>Sp&amp;rache:</translation>
    </message>
    <message>
        <source>Applies at the next start. Numbers, dates and prices follow the language.</source>
        <translation>Gilt ab dem nächsten Start. Zahlen, Daten und Preise folgen der Sprache.</translation>
    </message>
    <message>
        <source>Output folder</source>
        <translation>Ausgabeordner</translation>
    </message>
    <message>
        <source>Hot folder</source>
        <translation>Hotfolder</translation>
    </message>
</context>
<context>
    <name>ShortcutsSheet</name>
    <message>
        <source>Enter</source>
        <translation>Eingabe</translation>
    </message>
    <message>
        <source>open the selected jobs in the viewer</source>
        <translation>die gewählten Aufträge im Vergleich öffnen</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Entf</translation>
    </message>
    <message>
        <source>take the selected jobs off the list</source>
        <translation>die gewählten Aufträge von der Liste nehmen</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Tastenkürzel</translation>
    </message>
    <message>
        <source>Search keys…</source>
        <translation>Tasten suchen …</translation>
    </message>
    <message>
        <source>Search the shortcuts</source>
        <translation>Die Tastenkürzel durchsuchen</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>Tasten</translation>
    </message>
    <message>
        <source>What they do</source>
        <translation>Was sie tun</translation>
    </message>
    <message>
        <source>Close the shortcuts</source>
        <translation>Die Tastenkürzel schließen</translation>
    </message>
    <message>
        <source>Window</source>
        <translation>Fenster</translation>
    </message>
    <message>
        <source>Job list</source>
        <translation>Auftragsliste</translation>
    </message>
    <message>
        <source>Before/after viewer</source>
        <translation>Vorher/Nachher-Vergleich</translation>
    </message>
</context>
<context>
    <name>Startup</name>
    <message>
        <source>Not signed in to {server}: working on the local sandbox</source>
        <translation>Nicht bei {server} angemeldet: Es wird in der lokalen Sandbox gearbeitet</translation>
    </message>
    <message>
        <source>Could not connect: {error}</source>
        <translation>Verbindung fehlgeschlagen: {error}</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Nicht verbunden</translation>
    </message>
    <message>
        <source>Starting the local sandbox…</source>
        <translation>Lokale Sandbox wird gestartet …</translation>
    </message>
    <message>
        <source>Signing in…</source>
        <translation>Anmelden …</translation>
    </message>
    <message>
        <source>Not signed in</source>
        <translation>Nicht angemeldet</translation>
    </message>
    <message>
        <source>Not signed in to {server}: back on the local sandbox</source>
        <translation>Nicht bei {server} angemeldet: zurück in der lokalen Sandbox</translation>
    </message>
</context>
<context>
    <name>StatusFilter</name>
    <message>
        <source>All</source>
        <translation>Alle</translation>
    </message>
    <message>
        <source>In progress</source>
        <translation>In Arbeit</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Fertig</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>Wartend</translation>
    </message>
    <message>
        <source>Accepted</source>
        <translation>Angenommen</translation>
    </message>
    <message>
        <source>Rejected</source>
        <translation>Abgelehnt</translation>
    </message>
</context>
<context>
    <name>Toolbars</name>
    <message>
        <source>Main</source>
        <translation>Haupt</translation>
    </message>
    <message>
        <source>Workflow</source>
        <translation>Workflow</translation>
    </message>
    <message>
        <source>O&amp;rganization</source>
        <translation>O&amp;rganisation</translation>
    </message>
    <message>
        <source>Organization</source>
        <translation>Organisation</translation>
    </message>
</context>
<context>
    <name>ViewerActions</name>
    <message>
        <source>Previous</source>
        <translation>Zurück</translation>
    </message>
    <message>
        <source>Previous job (Left)</source>
        <translation>Vorheriges Bild (Links)</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>Weiter</translation>
    </message>
    <message>
        <source>Next job (Right)</source>
        <translation>Nächstes Bild (Rechts)</translation>
    </message>
    <message>
        <source>Split</source>
        <translation>Geteilt</translation>
    </message>
    <message>
        <source>Split with a draggable divider (S; 1/2/3)</source>
        <translation>Geteilt mit verschiebbarer Trennlinie (S; 1/2/3)</translation>
    </message>
    <message>
        <source>Side by side</source>
        <translation>Nebeneinander</translation>
    </message>
    <message>
        <source>Side by side (D)</source>
        <translation>Nebeneinander (D)</translation>
    </message>
    <message>
        <source>Toggle</source>
        <translation>Umschalten</translation>
    </message>
    <message>
        <source>Result; hold Space or \ for original (T)</source>
        <translation>Ergebnis; Leertaste oder \ halten für das Original (T)</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>Result only (R)</source>
        <translation>Nur Ergebnis (R)</translation>
    </message>
    <message>
        <source>Difference</source>
        <translation>Differenz</translation>
    </message>
    <message>
        <source>What the result changed, amplified (C)</source>
        <translation>Was das Ergebnis verändert hat, verstärkt (C)</translation>
    </message>
    <message>
        <source>Mask</source>
        <translation>Maske</translation>
    </message>
    <message>
        <source>A cut-out&apos;s transparency over the original (M)</source>
        <translation>Die Transparenz eines Freistellers über dem Original (M)</translation>
    </message>
    <message>
        <source>Previous version</source>
        <translation>Vorige Version</translation>
    </message>
    <message>
        <source>The result before this one (Shift+V)</source>
        <translation>Das Ergebnis vor diesem (Umschalt+V)</translation>
    </message>
    <message>
        <source>Next version</source>
        <translation>Nächste Version</translation>
    </message>
    <message>
        <source>The next result version (V)</source>
        <translation>Die nächste Ergebnisversion (V)</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>Einpassen</translation>
    </message>
    <message>
        <source>Zoom to fit (F)</source>
        <translation>Einpassen (F)</translation>
    </message>
    <message>
        <source>100%</source>
        <translation>100 %</translation>
    </message>
    <message>
        <source>Actual pixels (0 or Ctrl+1)</source>
        <translation>Originalpixel (0 oder Strg+1)</translation>
    </message>
    <message>
        <source>Zoom in</source>
        <translation>Vergrößern</translation>
    </message>
    <message>
        <source>Zoom in (+)</source>
        <translation>Vergrößern (+)</translation>
    </message>
    <message>
        <source>Zoom out</source>
        <translation>Verkleinern</translation>
    </message>
    <message>
        <source>Zoom out (-)</source>
        <translation>Verkleinern (-)</translation>
    </message>
    <message>
        <source>Checkerboard</source>
        <translation>Schachbrett</translation>
    </message>
    <message>
        <source>White</source>
        <translation>Weiß</translation>
    </message>
    <message>
        <source>Black</source>
        <translation>Schwarz</translation>
    </message>
    <message>
        <source>Choose colour…</source>
        <translation>Farbe wählen …</translation>
    </message>
    <message>
        <source>Accept</source>
        <translation>Annehmen</translation>
    </message>
    <message>
        <source>Mark the result accepted (A)</source>
        <translation>Ergebnis als angenommen markieren (A)</translation>
    </message>
    <message>
        <source>Reject</source>
        <translation>Ablehnen</translation>
    </message>
    <message>
        <source>Mark the result rejected (X)</source>
        <translation>Ergebnis als abgelehnt markieren (X)</translation>
    </message>
    <message>
        <source>Thumbs up</source>
        <translation>Daumen hoch</translation>
    </message>
    <message>
        <source>Tell autoretouch this result is good</source>
        <translation>autoretouch mitteilen, dass dieses Ergebnis gut ist</translation>
    </message>
    <message>
        <source>Thumbs down</source>
        <translation>Daumen runter</translation>
    </message>
    <message>
        <source>Tell autoretouch this result is not good</source>
        <translation>autoretouch mitteilen, dass dieses Ergebnis nicht gut ist</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>Erneut versuchen</translation>
    </message>
    <message>
        <source>Process this image again</source>
        <translation>Dieses Bild erneut bearbeiten</translation>
    </message>
    <message>
        <source>Open in editor</source>
        <translation>Im Editor öffnen</translation>
    </message>
    <message>
        <source>Open the result in your image editor</source>
        <translation>Das Ergebnis in Ihrem Bildeditor öffnen</translation>
    </message>
    <message>
        <source>Show in folder</source>
        <translation>Im Ordner zeigen</translation>
    </message>
    <message>
        <source>Show the result in its folder</source>
        <translation>Das Ergebnis in seinem Ordner zeigen</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>Tasten</translation>
    </message>
    <message>
        <source>The keyboard shortcuts (?)</source>
        <translation>Die Tastenkürzel (?)</translation>
    </message>
    <message>
        <source>Show transparency over: {background}</source>
        <translation>Transparenz zeigen über: {background}</translation>
    </message>
</context>
<context>
    <name>ViewerKeys</name>
    <message>
        <source>{first} or {second}</source>
        <translation>{first} oder {second}</translation>
    </message>
    <message>
        <source>previous / next job (zoom and pan stay)</source>
        <translation>vorheriges / nächstes Bild (Zoom und Ausschnitt bleiben)</translation>
    </message>
    <message>
        <source>first / last job</source>
        <translation>erstes / letztes Bild</translation>
    </message>
    <message>
        <source>split, side by side, toggle, result only</source>
        <translation>geteilt, nebeneinander, umschalten, nur Ergebnis</translation>
    </message>
    <message>
        <source>difference: what the result changed, amplified</source>
        <translation>Differenz: was das Ergebnis verändert hat, verstärkt</translation>
    </message>
    <message>
        <source>divider at 25%, 50%, 75% of the image</source>
        <translation>Trennlinie bei 25 %, 50 %, 75 % des Bildes</translation>
    </message>
    <message>
        <source>a cut-out&apos;s transparency as a mask over the original</source>
        <translation>die Transparenz eines Freistellers als Maske über dem Original</translation>
    </message>
    <message>
        <source>next / previous result version</source>
        <translation>nächste / vorige Ergebnisversion</translation>
    </message>
    <message>
        <source>hold to see the original</source>
        <translation>gedrückt halten, um das Original zu sehen</translation>
    </message>
    <message>
        <source>zoom to fit</source>
        <translation>einpassen</translation>
    </message>
    <message>
        <source>100%: one image pixel per screen pixel</source>
        <translation>100 %: ein Bildpixel pro Bildschirmpixel</translation>
    </message>
    <message>
        <source>{keys}, wheel</source>
        <translation>{keys}, Mausrad</translation>
    </message>
    <message>
        <source>zoom in / out (the wheel zooms at the cursor)</source>
        <translation>vergrößern / verkleinern (das Mausrad zoomt am Mauszeiger)</translation>
    </message>
    <message>
        <source>Double-click</source>
        <translation>Doppelklick</translation>
    </message>
    <message>
        <source>100% at that spot, again to fit</source>
        <translation>100 % an dieser Stelle, erneut zum Einpassen</translation>
    </message>
    <message>
        <source>accept / reject (again to clear)</source>
        <translation>annehmen / ablehnen (erneut zum Aufheben)</translation>
    </message>
    <message>
        <source>close the window</source>
        <translation>Fenster schließen</translation>
    </message>
    <message>
        <source>every key (this list)</source>
        <translation>alle Tasten (diese Liste)</translation>
    </message>
</context>
<context>
    <name>ViewerVersions</name>
    <message>
        <source>version {number} of {count}</source>
        <translation>Version {number} von {count}</translation>
    </message>
</context>
<context>
    <name>ViewerWindow</name>
    <message>
        <source>Before / after</source>
        <translation>Vorher / nachher</translation>
    </message>
    <message>
        <source>Viewer</source>
        <translation>Vergleich</translation>
    </message>
    <message>
        <source>Background</source>
        <translation>Hintergrund</translation>
    </message>
    <message>
        <source>What shows through transparent pixels</source>
        <translation>Was durch transparente Pixel scheint</translation>
    </message>
    <message>
        <source>{title} – Before / after</source>
        <translation>{title} – Vorher / nachher</translation>
    </message>
</context>
<context>
    <name>WindowActions</name>
    <message>
        <source>Add files…</source>
        <translation>Dateien hinzufügen …</translation>
    </message>
    <message>
        <source>Add images to the queue</source>
        <translation>Bilder zur Warteschlange hinzufügen</translation>
    </message>
    <message>
        <source>Add folder…</source>
        <translation>Ordner hinzufügen …</translation>
    </message>
    <message>
        <source>Add every image in a folder and its subfolders</source>
        <translation>Alle Bilder eines Ordners und seiner Unterordner hinzufügen</translation>
    </message>
    <message>
        <source>Paste paths</source>
        <translation>Pfade einfügen</translation>
    </message>
    <message>
        <source>Queue the files or folders whose paths are on the clipboard</source>
        <translation>Die Dateien oder Ordner aus der Zwischenablage in die Warteschlange stellen</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Starten</translation>
    </message>
    <message>
        <source>Start processing the queue</source>
        <translation>Die Warteschlange bearbeiten</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>Pause</translation>
    </message>
    <message>
        <source>Pause: jobs in flight finish, nothing new starts</source>
        <translation>Pause: Laufende Aufträge werden fertig, nichts Neues startet</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Cancel everything not yet finished</source>
        <translation>Alles noch nicht Fertige abbrechen</translation>
    </message>
    <message>
        <source>Retry failed</source>
        <translation>Fehlgeschlagene erneut versuchen</translation>
    </message>
    <message>
        <source>Retry every failed job</source>
        <translation>Alle fehlgeschlagenen Aufträge erneut versuchen</translation>
    </message>
    <message>
        <source>Clear finished</source>
        <translation>Fertige entfernen</translation>
    </message>
    <message>
        <source>Take finished images off the list (their results stay where they are)</source>
        <translation>Fertige Bilder aus der Liste nehmen (ihre Ergebnisse bleiben, wo sie sind)</translation>
    </message>
    <message>
        <source>History</source>
        <translation>Verlauf</translation>
    </message>
    <message>
        <source>Past executions and batches</source>
        <translation>Frühere Ausführungen und Stapel</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>Output folder, naming, concurrency, hot folder, notifications</source>
        <translation>Ausgabeordner, Dateinamen, Parallelität, Hotfolder, Benachrichtigungen</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>Konto</translation>
    </message>
    <message>
        <source>Server, sign-in and organization</source>
        <translation>Server, Anmeldung und Organisation</translation>
    </message>
    <message>
        <source>Compare before/after</source>
        <translation>Vorher/Nachher vergleichen</translation>
    </message>
    <message>
        <source>Find</source>
        <translation>Suchen</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Beenden</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Tastenkürzel</translation>
    </message>
    <message>
        <source>Every key of the window</source>
        <translation>Jede Taste des Fensters</translation>
    </message>
</context>
<context>
    <name>WindowContext</name>
    <message>
        <source>Could not save settings: {error}</source>
        <translation>Einstellungen konnten nicht gespeichert werden: {error}</translation>
    </message>
    <message>
        <source>Error: {error}</source>
        <translation>Fehler: {error}</translation>
    </message>
</context>
<context>
    <name>WindowStatusBar</name>
    <message>
        <source>Balance: {money}</source>
        <translation>Guthaben: {money}</translation>
    </message>
    <message>
        <source>⚠ {balance} — low</source>
        <translation>⚠ {balance} – niedrig</translation>
    </message>
    <message>
        <source>Credits (euro cents)</source>
        <translation>Guthaben (Euro-Cent)</translation>
    </message>
</context>
<context>
    <name>WorkflowPicker</name>
    <message>
        <source>{name} · {price} / image · changed {date}</source>
        <translation>{name} · {price} / Bild · geändert am {date}</translation>
    </message>
    <message>
        <source>{name} · {price} / image</source>
        <translation>{name} · {price} / Bild</translation>
    </message>
    <message>
        <source>&amp;Workflow</source>
        <translation>&amp;Workflow</translation>
    </message>
    <message>
        <source>Search workflows…</source>
        <translation>Workflows durchsuchen …</translation>
    </message>
    <message>
        <source>Workflow</source>
        <translation>Workflow</translation>
    </message>
    <message>
        <source>Type to search; each entry shows its price per image</source>
        <translation>Tippen zum Suchen; jeder Eintrag zeigt seinen Preis pro Bild</translation>
    </message>
    <message>
        <source>&amp;Pin version</source>
        <translation>Version &amp;fixieren</translation>
    </message>
    <message>
        <source>Keep using the workflow&apos;s current version even if someone changes the workflow</source>
        <translation>Die aktuelle Version des Workflows weiterverwenden, auch wenn jemand den Workflow ändert</translation>
    </message>
    <message>
        <source>{name}
Author: {author}
Version: {version}</source>
        <translation>{name}
Autor: {author}
Version: {version}</translation>
    </message>
</context>
<context>
    <name>Workspace</name>
    <message>
        <source>Sandbox: local, free</source>
        <translation>Sandbox: lokal, kostenlos</translation>
    </message>
</context>
</TS>
