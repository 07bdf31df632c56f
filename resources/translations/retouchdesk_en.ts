<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>Plural</name>
    <message numerus="yes">
        <source>Added %Ln image(s)</source>
        <translation>
            <numerusform>Added %Ln image</numerusform>
            <numerusform>Added %Ln images</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln image(s) added last time queued again: press Start to process</source>
        <translation>
            <numerusform>%Ln image added last time is queued again: press Start to process</numerusform>
            <numerusform>%Ln images added last time are queued again: press Start to process</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln image(s) selected</source>
        <translation>
            <numerusform>%Ln image selected</numerusform>
            <numerusform>%Ln images selected</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>&lt;b&gt;Process %Ln image(s)&lt;/b&gt; with {workflow}?</source>
        <translation>
            <numerusform>&lt;b&gt;Process %Ln image&lt;/b&gt; with {workflow}?</numerusform>
            <numerusform>&lt;b&gt;Process %Ln images&lt;/b&gt; with {workflow}?</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln identical file(s) processed once</source>
        <translation>
            <numerusform>%Ln identical file processed once</numerusform>
            <numerusform>%Ln identical files processed once</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln file(s), not charged</source>
        <translation>
            <numerusform>%Ln file, not charged</numerusform>
            <numerusform>%Ln files, not charged</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln file(s) skipped (only JPEG, PNG, TIFF and WebP are processed)</source>
        <translation>
            <numerusform>%Ln file skipped (only JPEG, PNG, TIFF and WebP are processed)</numerusform>
            <numerusform>%Ln files skipped (only JPEG, PNG, TIFF and WebP are processed)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Resumed %Ln unfinished batch(es)</source>
        <translation>
            <numerusform>Resumed %Ln unfinished batch</numerusform>
            <numerusform>Resumed %Ln unfinished batches</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Enough for about %Ln image(s)</source>
        <translation>
            <numerusform>Enough for about %Ln image</numerusform>
            <numerusform>Enough for about %Ln images</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Re-running %Ln image(s)</source>
        <translation>
            <numerusform>Re-running %Ln image</numerusform>
            <numerusform>Re-running %Ln images</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Opened a batch of %Ln image(s)</source>
        <translation>
            <numerusform>Opened a batch of %Ln image</numerusform>
            <numerusform>Opened a batch of %Ln images</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln result(s) copied</source>
        <translation>
            <numerusform>%Ln result copied</numerusform>
            <numerusform>%Ln results copied</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln already there with the same bytes, not copied again</source>
        <translation>
            <numerusform>%Ln already there with the same bytes, not copied again</numerusform>
            <numerusform>%Ln already there with the same bytes, not copied again</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln left out (not chosen)</source>
        <translation>
            <numerusform>%Ln left out (not chosen)</numerusform>
            <numerusform>%Ln left out (not chosen)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln could not be delivered:</source>
        <translation>
            <numerusform>%Ln could not be delivered:</numerusform>
            <numerusform>%Ln could not be delivered:</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>  and %Ln more</source>
        <translation>
            <numerusform>  and %Ln more</numerusform>
            <numerusform>  and %Ln more</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln image(s) will be re-run</source>
        <translation>
            <numerusform>%Ln image will be re-run</numerusform>
            <numerusform>%Ln images will be re-run</numerusform>
        </translation>
    </message>
</context>
</TS>
