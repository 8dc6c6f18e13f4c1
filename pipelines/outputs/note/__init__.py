"""`kazmig note`: the analyst's regional note drafted from the marts, in Russian, as DOCX and HTML."""
